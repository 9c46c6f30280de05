package graph

import (
	"io"
	"testing"
)

// A POST is repeated only when Graph said it did not process it.
func TestSafeToRepeat(t *testing.T) {
	tests := []struct {
		method string
		err    error
		want   bool
	}{
		{"GET", &NetworkError{Err: io.ErrUnexpectedEOF}, true},
		{"POST", &Error{StatusCode: 429}, true},
		{"POST", &Error{StatusCode: 503}, true},
		{"POST", &Error{StatusCode: 504}, false},
		{"POST", &NetworkError{Err: io.ErrUnexpectedEOF}, false},
	}
	for _, tt := range tests {
		if got := safeToRepeat(tt.method, tt.err); got != tt.want {
			t.Errorf("%s %v: %v, want %v", tt.method, tt.err, got, tt.want)
		}
	}
}
