package graph

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// A null or non-object 200 answer where an object is expected is an
// "unexpected response" naming the request, never an empty value.
func TestDecodeObjectRefusesNonObjects(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		"":        "empty body",
		" null ":  "null where a JSON object was expected",
		"[]":      "an array where",
		`"{}"`:    "a string where",
		"12":      "a number where",
		"true":    "a boolean where",
		"<html>":  "a body that is not JSON where",
		`{"id":`:  "unexpected end of JSON input",
		`{"id":1`: "unexpected end of JSON input",
	} {
		resp := &Response{StatusCode: 200, Body: []byte(body), RequestID: "rid-7", Method: http.MethodGet, URLPath: "/beta/servicePrincipals/sp/synchronization/jobs/apply.j"}
		var out struct{ ID any }
		err := DecodeObject(resp, &out)
		var derr *DecodeError
		if !errors.As(err, &derr) {
			t.Errorf("%q: err = %v", body, err)
			continue
		}
		for _, s := range []string{"unexpected response from Graph to GET /beta/servicePrincipals/sp/synchronization/jobs/apply.j", "request-id rid-7", want} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%q: %v lacks %q", body, err, s)
			}
		}
		if MayHaveBeenApplied(err) {
			t.Errorf("%q: a GET flagged as maybe applied", body)
		}
	}
	var out struct{ ID string }
	if err := DecodeObject(&Response{Body: []byte(` {"ID":"x"} `)}, &out); err != nil || out.ID != "x" {
		t.Errorf("object: %v %+v", err, out)
	}
	if err := DecodeObject(&Response{Body: []byte(`{}`)}, &out); err != nil {
		t.Errorf("empty object: %v", err)
	}
}

func TestGetRefusesNullAnswer(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, true, step{status: 200, body: "null"}, step{status: 200, body: ""})
	c, _ := newTestClient(srv.Server, nil)
	var out struct{ ID string }
	for i := 0; i < 2; i++ {
		err := c.Get(context.Background(), Path("servicePrincipals", "sp"), nil, &out)
		var derr *DecodeError
		if !errors.As(err, &derr) || derr.Method != "GET" || derr.Path != "/v1.0/servicePrincipals/sp" {
			t.Errorf("answer %d: err = %#v", i, err)
		}
	}
	// NewDecodeError is what callers use for answers they check further.
	err := NewDecodeError(&Response{Method: http.MethodPost, URLPath: "/beta/x/provisionOnDemand"}, errors.New("bad key"))
	if !MayHaveBeenApplied(err) || !strings.Contains(err.Error(), "POST /beta/x/provisionOnDemand") {
		t.Errorf("NewDecodeError(POST) = %v", err)
	}
}

// Bytes that are not UTF-8 become U+FFFD at the graph layer, one per byte
// as encoding/json decodes them, so raw answers print as valid JSON.
func TestResponseBodyIsValidUTF8(t *testing.T) {
	t.Parallel()
	body := "{\"value\":[{\"id\":\"a\xff\xfeb\",\"n\":\"\xe2\x82\"}],\"x\":\"ok €\"}"
	srv := newScriptServer(t, true, step{status: 200, body: body})
	c, _ := newTestClient(srv.Server, nil)
	resp, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "x"})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\"value\":[{\"id\":\"a\uFFFD\uFFFDb\",\"n\":\"\uFFFD\uFFFD\"}],\"x\":\"ok €\"}"
	if string(resp.Body) != want {
		t.Errorf("body %q, want %q", resp.Body, want)
	}
	raws, err := List[json.RawMessage](context.Background(), c, "x", nil, nil, 0)
	if err != nil || len(raws) != 1 {
		t.Fatalf("%v %v", raws, err)
	}
	out, err := json.Marshal(map[string]any{"raw": raws[0]})
	if err != nil || !utf8.Valid(out) {
		t.Errorf("re-encoded raw is not valid UTF-8: %q %v", out, err)
	}
	var decoded struct{ Value []struct{ ID string } }
	_ = json.Unmarshal([]byte(body), &decoded) // the answer as sent
	var fromRaw struct{ ID string }
	_ = json.Unmarshal(raws[0], &fromRaw)
	if len(decoded.Value) != 1 || decoded.Value[0].ID != fromRaw.ID {
		t.Errorf("decoded %+v from the answer, %q from raw", decoded, fromRaw.ID)
	}
}
