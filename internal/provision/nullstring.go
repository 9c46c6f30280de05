package provision

import "encoding/json"

// NullString is a string that reads as JSON null when empty: docs/output.md
// promises null, never "", for anything Graph did not say. It decodes as a
// plain string (null leaves a new value empty).
type NullString string

// MarshalJSON implements json.Marshaler.
func (s NullString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// String returns the plain string ("" when unknown).
func (s NullString) String() string { return string(s) }
