package provision

import (
	"bytes"
	"encoding/json"
)

// NullString is a string that reads as JSON null when empty: docs/output.md
// promises null, never "", for anything Graph did not say.
type NullString string

// MarshalJSON implements json.Marshaler.
func (s NullString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// UnmarshalJSON implements json.Unmarshaler (null reads as empty).
func (s *NullString) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*s = ""
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = NullString(v)
	return nil
}

// String returns the plain string ("" when unknown).
func (s NullString) String() string { return string(s) }
