package tenant

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// orderedObject is a JSON object that keeps its members in insertion order.
// The provisioning service serialises its own classes field by field, and the
// JSON texts inside a provisionOnDemand answer show that order; a Go map
// would sort the keys instead.
type orderedObject []member

type member struct {
	key   string
	value any
}

// object builds an orderedObject from key, value pairs.
func object(pairs ...any) orderedObject {
	if len(pairs)%2 != 0 {
		panic("object: odd number of arguments")
	}
	o := make(orderedObject, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		o = append(o, member{pairs[i].(string), pairs[i+1]})
	}
	return o
}

// set replaces key's value, or appends the member when key is new.
func (o orderedObject) set(key string, value any) orderedObject {
	for i := range o {
		if o[i].key == key {
			o[i].value = value
			return o
		}
	}
	return append(o, member{key, value})
}

// get returns key's value (nil when absent).
func (o orderedObject) get(key string) any {
	for _, m := range o {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

// MarshalJSON writes the members in order; an empty object is {}.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := marshalNoEscape(m.key)
		if err != nil {
			return nil, err
		}
		v, err := marshalNoEscape(m.value)
		if err != nil {
			return nil, fmt.Errorf("member %s: %w", m.key, err)
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// marshalNoEscape is json.Marshal without HTML escaping: the service writes
// quotes, '<' and '&' in its JSON texts as they are.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// jsonText is JSON as a string: what stringKeyStringValuePair carries.
func jsonText(v any) string {
	b, _ := marshalNoEscape(v) // values are built here from plain types: cannot fail
	return string(b)
}

// Object is an ordered JSON object, for the HTTP layer's own answers.
type Object = orderedObject

// NewObject builds an Object from key, value pairs.
func NewObject(pairs ...any) Object { return object(pairs...) }

// Append adds a member at the end, even when key is already present.
func (o orderedObject) Append(key string, value any) orderedObject {
	return append(o, member{key, value})
}

// Set replaces key's value, or appends the member when key is new.
func (o orderedObject) Set(key string, value any) orderedObject { return o.set(key, value) }

// MarshalNoEscape is json.Marshal without HTML escaping.
func MarshalNoEscape(v any) ([]byte, error) { return marshalNoEscape(v) }
