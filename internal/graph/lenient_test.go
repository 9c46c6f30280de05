package graph

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
)

func TestTimeUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{`""`, time.Time{}, false},
		{`"  "`, time.Time{}, false},
		{`null`, time.Time{}, false},
		{`"0001-01-01T00:00:00Z"`, time.Time{}, false},
		{`"0001-01-01T00:00:00"`, time.Time{}, false},
		{`"0001-01-01T00:00:00+01:00"`, time.Time{}, false},
		{`"2020-06-26T13:58:24.7682084Z"`, time.Date(2020, 6, 26, 13, 58, 24, 768208400, time.UTC), false},
		{`"2021-05-18T19:03:10"`, time.Date(2021, 5, 18, 19, 3, 10, 0, time.UTC), false},
		{`"2021-05-18T19:03:10.5"`, time.Date(2021, 5, 18, 19, 3, 10, 500000000, time.UTC), false},
		{`"2021-05-18T21:03:10+02:00"`, time.Date(2021, 5, 18, 19, 3, 10, 0, time.UTC), false},
		{`"2022-12-10"`, time.Date(2022, 12, 10, 0, 0, 0, 0, time.UTC), false},
		{`"yesterday"`, time.Time{}, false}, // unknown, not an error
		{`"2021-13-40T99:00:00Z"`, time.Time{}, false},
		{`12345`, time.Time{}, true},
		{`true`, time.Time{}, true},
		{`{}`, time.Time{}, true},
	}
	for _, tt := range tests {
		v := Time{Time: time.Now()} // must be reset, not kept
		err := v.UnmarshalJSON([]byte(tt.in))
		if (err != nil) != tt.wantErr {
			t.Errorf("Time(%s): err = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if !v.Equal(tt.want) || (tt.want.IsZero() != v.IsZero()) {
			t.Errorf("Time(%s) = %v, want %v", tt.in, v.Time, tt.want)
		}
		if !tt.wantErr && !v.IsZero() && v.Location() != time.UTC {
			t.Errorf("Time(%s) not in UTC: %v", tt.in, v.Location())
		}
	}
}

func TestTimeMarshal(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(struct {
		A Time `json:"a"`
		B Time `json:"b"`
	}{B: Time{time.Date(2020, 6, 26, 15, 58, 24, 768208400, time.FixedZone("x", 2*3600))}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"a":null,"b":"2020-06-26T13:58:24.7682084Z"}`; got != want {
		t.Errorf("marshal = %s, want %s", got, want)
	}
	var back struct{ B Time }
	if err := json.Unmarshal(b, &back); err != nil || !back.B.Equal(time.Date(2020, 6, 26, 13, 58, 24, 768208400, time.UTC)) {
		t.Errorf("round trip %v %v", back.B, err)
	}
}

func TestInt64Unmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Int64
		wantErr bool
	}{
		{`42`, 42, false},
		{`-7`, -7, false},
		{`"42"`, 42, false},
		{`" 42 "`, 42, false},
		{`""`, 0, false},
		{`null`, 0, false},
		{`"null"`, 0, false},
		{`4.9`, 4, false},
		{`1e3`, 1000, false},
		{`"9223372036854775807"`, math.MaxInt64, false},
		{`-9223372036854775808`, math.MinInt64, false},
		{`9223372036854775808`, 0, true},
		{`1e300`, 0, true},
		{`"NaN"`, 0, true},
		{`"Inf"`, 0, true},
		{`"-Infinity"`, 0, true},
		{`"many"`, 0, true},
		{`true`, 0, true},
		{`{}`, 0, true},
		{`[1]`, 0, true},
		{`"\u0034\u0032"`, 42, false},
		{`"unterminated`, 0, true},
	}
	for _, tt := range tests {
		n := Int64(99)
		err := n.UnmarshalJSON([]byte(tt.in))
		if (err != nil) != tt.wantErr || n != tt.want {
			t.Errorf("Int64(%s) = %d, %v; want %d, err=%v", tt.in, n, err, tt.want, tt.wantErr)
		}
	}
}

func TestTextUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Text
		wantErr bool
	}{
		{`"Quarantine"`, "Quarantine", false},
		{`""`, "", false},
		{`null`, "", false},
		{`8`, "8", false},
		{`-1.5e3`, "-1.5e3", false},
		{`true`, "true", false},
		{`{ "a" : 1 }`, `{"a":1}`, false},
		{`[1, 2]`, `[1,2]`, false},
		{`"caf\u00e9"`, "café", false},
		{`{bad`, "", true},
	}
	for _, tt := range tests {
		v := Text("previous")
		err := v.UnmarshalJSON([]byte(tt.in))
		if (err != nil) != tt.wantErr || v != tt.want {
			t.Errorf("Text(%s) = %q, %v; want %q, err=%v", tt.in, v, err, tt.want, tt.wantErr)
		}
	}
	// Inside a struct, through encoding/json.
	var s struct {
		Reason Text  `json:"reason"`
		Other  *Text `json:"other"`
	}
	if err := json.Unmarshal([]byte(`{"reason":64,"other":null}`), &s); err != nil || s.Reason != "64" || s.Other != nil {
		t.Errorf("struct decode: %+v %v", s, err)
	}
}

func TestDetailsUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Details
		wantErr bool
	}{
		{`null`, nil, false},
		{`{}`, Details{}, false},
		{`{"a":"x","n":1,"b":true,"o":{"k": [1, 2]},"z":null}`, Details{"a": "x", "n": "1", "b": "true", "o": `{"k":[1,2]}`, "z": ""}, false},
		{`"{\"SkipReason\":\"RedundantExport\"}"`, Details{"SkipReason": "RedundantExport"}, false},
		{`""`, nil, false},
		{`"plain"`, nil, true},
		{`[1]`, nil, true},
		{`5`, nil, true},
	}
	for _, tt := range tests {
		var d Details
		err := json.Unmarshal([]byte(tt.in), &d)
		if (err != nil) != tt.wantErr || !reflect.DeepEqual(d, tt.want) {
			t.Errorf("Details(%s) = %#v, %v; want %#v, err=%v", tt.in, d, err, tt.want, tt.wantErr)
		}
	}
	d := Details{"b": "2", "a": "1", "C": "3"}
	if got := d.Keys(); !reflect.DeepEqual(got, []string{"C", "a", "b"}) {
		t.Errorf("Keys = %v", got)
	}
}
