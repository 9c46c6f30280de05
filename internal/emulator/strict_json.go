package emulator

import (
	"encoding/json"
	"fmt"
	"sort"
)

// jsonShape lists the exact (case-sensitive) property names an object may
// have; encoding/json matches names case-insensitively, which would let a
// client's wrong JSON tag slip through. A property's shape applies to its
// object value or to each object in its array value; nil means a scalar.
type jsonShape struct {
	typeName string
	props    map[string]*jsonShape
}

// checkShape reports the first property of v not in shape.
func checkShape(v any, shape *jsonShape) error {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if err := checkShape(e, shape); err != nil {
				return err
			}
		}
	case map[string]any:
		if shape == nil {
			return fmt.Errorf("a value, not an object, was expected")
		}
		names := make([]string, 0, len(x))
		for k := range x {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			sub, ok := shape.props[k]
			if !ok {
				return fmt.Errorf("property '%s' does not exist on type 'microsoft.graph.%s'", k, shape.typeName)
			}
			if err := checkShape(x[k], sub); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeExact decodes data into v after checking it against shape.
func decodeExact(data []byte, shape *jsonShape, v any) error {
	var generic any
	if err := json.Unmarshal(data, &generic); err != nil {
		return err
	}
	if err := checkShape(generic, shape); err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}
