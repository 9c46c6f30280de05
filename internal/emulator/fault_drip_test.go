package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestDrip(t *testing.T) {
	h := start(t, Options{})
	path := "/beta/servicePrincipals/" + boxSP
	auth := []string{"Authorization", "Bearer " + h.token}

	// Slow: the whole body, a byte at a time.
	h.arm(fault{Path: path, Status: 404, Code: "X", Message: "m", DripMs: 1})
	began := time.Now()
	st, body, err := h.send(context.Background(), "GET", path, "", "", auth...)
	if err != nil || st != http.StatusNotFound || !json.Valid([]byte(body)) {
		t.Fatalf("slow body: %d %q %v", st, body, err)
	}
	if d := time.Since(began); d < time.Duration(len(body))*time.Millisecond {
		t.Errorf("%d bytes took %v", len(body), d)
	}

	// Truncated: Content-Length promises more than comes before the cut.
	wantStatus(t, h.call("DELETE", "/_emulator/requests", nil), http.StatusNoContent)
	h.arm(fault{Path: path, DripMs: 1, DripLimit: 20})
	st, body, err = h.send(context.Background(), "GET", path, "", "", auth...)
	if err == nil || st != http.StatusOK || len(body) != 20 {
		t.Errorf("truncated body: %d %q %v", st, body, err)
	}
	if rec := h.recordedStatus(path); rec != http.StatusOK {
		t.Errorf("recorded %d for a cut 200", rec)
	}

	// Endless: the body never ends; the client has to give up.
	h.arm(fault{Path: path, Status: 400, DripMs: 1, DripEndless: true})
	// Long enough for the JSON (a byte a millisecond) to arrive whole on a
	// loaded machine before the endless padding; it failed at 600ms once.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	st, body, err = h.send(ctx, "GET", path, "", "", auth...)
	trimmed := strings.TrimRight(body, " ")
	if err == nil || st != http.StatusBadRequest || !json.Valid([]byte(trimmed)) || len(trimmed) == len(body) {
		t.Errorf("endless body: %d %q %v", st, body, err)
	}

	for _, bad := range []string{`{"dripLimit":3}`, `{"dripMs":1,"dripLimit":3,"dripEndless":true}`, `{"dripMs":-1}`, `{"dripEndless":true}`} {
		if r := h.call("POST", "/_emulator/faults", bad); r.status != http.StatusBadRequest {
			t.Errorf("fault %s: status %d", bad, r.status)
		}
	}
}
