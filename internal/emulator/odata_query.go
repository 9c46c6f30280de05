package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/provctl/provctl/internal/emulator/odata"
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

// pageParams reads $top and $skiptoken; on a bad value it answers 400 and
// returns false.
func (g *graphReq) pageParams(defaultTop, maxTop int) (odata.Page, bool) {
	p := odata.Page{Top: defaultTop}
	if v := g.query("top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTop {
			g.fail(http.StatusBadRequest, "Request_BadRequest",
				fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", v, maxTop))
			return p, false
		}
		p.Top = n
	}
	if v := g.query("skiptoken"); v != "" {
		skip, ok := odata.DecodeSkipToken(v)
		if !ok {
			g.fail(http.StatusBadRequest, "Request_BadRequest", "The specified page token value has expired or is invalid.")
			return p, false
		}
		p.Skip = skip
	}
	return p, true
}

// writePage answers a collection page: @odata.context, value and, when more
// items follow, @odata.nextLink (a full URL carrying $skiptoken).
func (g *graphReq) writePage(items []map[string]any, p odata.Page, context string) {
	start, end, more := p.Bounds(len(items))
	body := map[string]any{"@odata.context": g.odataContext(context), "value": items[start:end]}
	if more {
		body["@odata.nextLink"] = g.nextLink(end)
	}
	g.json(http.StatusOK, body)
}

// nextLink keeps the request's query options and sets $skiptoken.
func (g *graphReq) nextLink(skip int) string {
	return g.s.url + g.r.URL.EscapedPath() + "?" + odata.NextLinkQuery(g.r.URL.Query(), skip)
}

// selectFields parses $select against the properties of sample; it returns
// the canonical property names (nil when $select is absent) or answers 400.
func (g *graphReq) selectFields(sample map[string]any, typeName string) ([]string, bool) {
	raw := g.query("select")
	if raw == "" {
		return nil, true
	}
	fields, unknown := odata.SelectFields(raw, sample)
	if fields == nil {
		g.fail(http.StatusBadRequest, "Request_BadRequest",
			fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.%s'.", unknown, typeName))
		return nil, false
	}
	return fields, true
}

// parseFilterFor parses $filter and checks each property and operator against
// allowed; on failure it answers 400 (code and message per resource) and
// returns false. A nil filter means no $filter.
func (g *graphReq) parseFilterFor(allowed odata.Fields, typeName, badFieldCode string) (odata.Filter, bool) {
	raw := g.query("filter")
	if raw == "" {
		return nil, true
	}
	n, err := odata.ParseFilter(raw)
	if err != nil {
		g.fail(http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+err.Error())
		return nil, false
	}
	directory := badFieldCode == "Request_UnsupportedQuery"
	if bad := allowed.Unsupported(n, typeName, directory); bad != "" {
		g.fail(http.StatusBadRequest, badFieldCode, bad)
		return nil, false
	}
	// The directory (users, groups, service principals) takes at most 15
	// child clauses in a disjunction, `in` values included.
	if tooMany := odata.TooManyClauses(n); directory && tooMany != "" {
		g.fail(http.StatusBadRequest, "Request_UnsupportedQuery", tooMany)
		return nil, false
	}
	return n, true
}

// noFilter answers 400 when the request carries $filter, for collections
// where the emulator does not evaluate one (a group's members, an app's
// assignments): ignoring it would answer more than was asked.
func (g *graphReq) noFilter() bool {
	if g.query("filter") == "" {
		return true
	}
	g.fail(http.StatusBadRequest, "Request_UnsupportedQuery", "The emulator does not support $filter on this collection.")
	return false
}

// contains reports whether list holds s.
func contains(list []string, s string) bool { return slices.Contains(list, s) }

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
