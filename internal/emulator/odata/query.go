package odata

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// MapGetter reads a property path ("servicePrincipal/id") from a wire
// object, matching names case-insensitively. Numbers come back as float64.
func MapGetter(obj map[string]any) Getter {
	return func(path string) any {
		var cur any = obj
		for _, name := range strings.Split(path, "/") {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = nil
			for k, v := range m {
				if strings.EqualFold(k, name) {
					cur = v
					break
				}
			}
		}
		switch v := cur.(type) {
		case int:
			return float64(v)
		case int64:
			return float64(v)
		}
		return cur
	}
}

// Page is one page of a collection: Skip items, then at most Top.
type Page struct{ Skip, Top int }

// Bounds returns the [start, end) slice bounds of the page in a collection
// of n items; more reports whether items follow it.
func (p Page) Bounds(n int) (start, end int, more bool) {
	end = min(p.Skip+p.Top, n)
	start = min(p.Skip, end)
	return start, end, end < n
}

// EncodeSkipToken makes a $skiptoken. Skip tokens are opaque to clients;
// here they hide an offset.
func EncodeSkipToken(skip int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("emu-skip:" + strconv.Itoa(skip)))
}

// DecodeSkipToken reads the offset back from a $skiptoken; false when the
// token is not one EncodeSkipToken made.
func DecodeSkipToken(tok string) (int, bool) {
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

// NextLinkQuery keeps a request's query options and sets $skiptoken to
// skip, returning the encoded query string ($ left readable, spaces as %20).
func NextLinkQuery(q url.Values, skip int) string {
	q.Del("$skiptoken")
	q.Del("skiptoken")
	q.Set("$skiptoken", EncodeSkipToken(skip))
	return strings.NewReplacer("%24", "$", "+", "%20").Replace(q.Encode())
}

// SelectFields parses a $select value against the properties of sample. It
// returns the canonical property names, or the first name that matches no
// property (and nil).
func SelectFields(raw string, sample map[string]any) (fields []string, unknown string) {
	for _, name := range strings.Split(raw, ",") {
		name = strings.TrimSpace(name)
		canon := ""
		for k := range sample {
			if strings.EqualFold(k, name) {
				canon = k
			}
		}
		if canon == "" {
			return nil, name
		}
		fields = append(fields, canon)
	}
	return fields, ""
}

// Project keeps only the selected properties (all when fields is nil).
func Project(item map[string]any, fields []string) map[string]any {
	if fields == nil {
		return item
	}
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		out[f] = item[f]
	}
	return out
}

// SelectContext is the @odata.context fragment for a projected collection,
// e.g. servicePrincipals(id,appId,displayName).
func SelectContext(entitySet string, fields []string) string {
	if fields == nil {
		return entitySet
	}
	return entitySet + "(" + strings.Join(fields, ",") + ")"
}

// Fields maps the lower-case name of every filterable property to the
// operators allowed on it.
type Fields map[string][]string

// Unsupported checks every predicate of n against f and returns the message
// for the first property or operator it does not allow ("" when all are
// allowed). directoryStyle picks the wording of the directory resources
// (users, groups, service principals) for an unknown property.
func (f Fields) Unsupported(n Filter, typeName string, directoryStyle bool) string {
	var bad string
	n.Walk(func(op, field string) {
		ops, ok := f[strings.ToLower(field)]
		if bad != "" {
			return
		}
		if !ok {
			bad = fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.%s'.", field, typeName)
			if directoryStyle {
				bad = fmt.Sprintf("Unsupported or invalid query filter clause specified for property '%s' of resource '%s'.", field, typeName)
			}
			return
		}
		if !slices.Contains(ops, op) {
			sort.Strings(ops)
			bad = fmt.Sprintf("Unsupported query: operator '%s' is not supported on property '%s' (supported: %s).", op, field, strings.Join(ops, ", "))
		}
	})
	return bad
}
