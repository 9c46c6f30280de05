package emulator

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// query returns a system query option ($top, $filter...). Graph also accepts
// them without the $, so both spellings are read.
func (g *graphReq) query(name string) string {
	q := g.r.URL.Query()
	if v := q.Get("$" + name); v != "" {
		return v
	}
	return q.Get(name)
}

// pageWindow is one page of a collection.
type pageWindow struct{ skip, top int }

// pageParams reads $top and $skiptoken; on a bad value it answers 400 and
// returns false.
func (g *graphReq) pageParams(defaultTop, maxTop int) (pageWindow, bool) {
	p := pageWindow{top: defaultTop}
	if v := g.query("top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTop {
			g.fail(http.StatusBadRequest, "Request_BadRequest",
				fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", v, maxTop))
			return p, false
		}
		p.top = n
	}
	if v := g.query("skiptoken"); v != "" {
		skip, ok := decodeSkipToken(v)
		if !ok {
			g.fail(http.StatusBadRequest, "Request_BadRequest", "The specified page token value has expired or is invalid.")
			return p, false
		}
		p.skip = skip
	}
	return p, true
}

// writePage answers a collection page: @odata.context, value and, when more
// items follow, @odata.nextLink (a full URL carrying $skiptoken).
func (g *graphReq) writePage(items []map[string]any, p pageWindow, context string) {
	end := min(p.skip+p.top, len(items))
	start := min(p.skip, end)
	body := map[string]any{"@odata.context": g.odataContext(context), "value": items[start:end]}
	if end < len(items) {
		body["@odata.nextLink"] = g.nextLink(end)
	}
	g.json(http.StatusOK, body)
}

// nextLink keeps the request's query options and sets $skiptoken.
func (g *graphReq) nextLink(skip int) string {
	q := g.r.URL.Query()
	q.Del("$skiptoken")
	q.Del("skiptoken")
	q.Set("$skiptoken", encodeSkipToken(skip))
	enc := strings.NewReplacer("%24", "$", "+", "%20").Replace(q.Encode())
	return g.s.url + g.r.URL.EscapedPath() + "?" + enc
}

// Skip tokens are opaque to clients; here they hide an offset.
func encodeSkipToken(skip int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("emu-skip:" + strconv.Itoa(skip)))
}

func decodeSkipToken(tok string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), "emu-skip:")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n >= 0
}

// selectFields parses $select against the properties of sample; it returns
// the canonical property names (nil when $select is absent) or answers 400.
func (g *graphReq) selectFields(sample map[string]any, typeName string) ([]string, bool) {
	raw := g.query("select")
	if raw == "" {
		return nil, true
	}
	var out []string
	for _, name := range strings.Split(raw, ",") {
		name = strings.TrimSpace(name)
		canon := ""
		for k := range sample {
			if strings.EqualFold(k, name) {
				canon = k
			}
		}
		if canon == "" {
			g.fail(http.StatusBadRequest, "Request_BadRequest",
				fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.%s'.", name, typeName))
			return nil, false
		}
		out = append(out, canon)
	}
	return out, true
}

// project keeps only the selected properties (all when fields is nil).
func project(item map[string]any, fields []string) map[string]any {
	if fields == nil {
		return item
	}
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		out[f] = item[f]
	}
	return out
}

// selectContext is the @odata.context fragment for a projected collection,
// e.g. servicePrincipals(id,appId,displayName).
func selectContext(entitySet string, fields []string) string {
	if fields == nil {
		return entitySet
	}
	return entitySet + "(" + strings.Join(fields, ",") + ")"
}

// filterFields maps the lower-case name of every filterable property to the
// operators allowed on it.
type filterFields map[string][]string

// parseFilterFor parses $filter and checks each property and operator against
// allowed; on failure it answers 400 (code and message per resource) and
// returns false. A nil node means no filter.
func (g *graphReq) parseFilterFor(allowed filterFields, typeName, badFieldCode string) (filterNode, bool) {
	raw := g.query("filter")
	if raw == "" {
		return nil, true
	}
	n, err := parseFilter(raw)
	if err != nil {
		g.fail(http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+err.Error())
		return nil, false
	}
	var bad string
	n.walk(func(op, field string) {
		ops, ok := allowed[strings.ToLower(field)]
		if bad != "" {
			return
		}
		if !ok {
			bad = fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.%s'.", field, typeName)
			if badFieldCode == "Request_UnsupportedQuery" {
				bad = fmt.Sprintf("Unsupported or invalid query filter clause specified for property '%s' of resource '%s'.", field, typeName)
			}
			return
		}
		if !contains(ops, op) {
			sort.Strings(ops)
			bad = fmt.Sprintf("Unsupported query: operator '%s' is not supported on property '%s' (supported: %s).", op, field, strings.Join(ops, ", "))
		}
	})
	if bad != "" {
		g.fail(http.StatusBadRequest, badFieldCode, bad)
		return nil, false
	}
	return n, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// unescapeSegments splits an escaped URL path into unescaped segments,
// dropping empty ones (leading or trailing slashes).
func unescapeSegments(escaped string) ([]string, error) {
	var segs []string
	for _, s := range strings.Split(escaped, "/") {
		if s == "" {
			continue
		}
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, err
		}
		segs = append(segs, u)
	}
	return segs, nil
}
