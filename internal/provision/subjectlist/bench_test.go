package subjectlist

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkParse5000 parses a typical wave: 5000 UPNs, one a line.
func BenchmarkParse5000(b *testing.B) {
	var in bytes.Buffer
	for i := range 5000 {
		fmt.Fprintf(&in, "user%04d@contoso.onmicrosoft.com\n", i)
	}
	b.ReportAllocs()
	b.SetBytes(int64(in.Len()))
	for b.Loop() {
		l, err := Parse(bytes.NewReader(in.Bytes()), Options{})
		if err != nil || len(l.Entries) != 5000 {
			b.Fatalf("%v, %d entries", err, len(l.Entries))
		}
	}
}

// BenchmarkParseCSV5000 is the same wave as an Entra users export.
func BenchmarkParseCSV5000(b *testing.B) {
	var in bytes.Buffer
	in.WriteString("id,displayName,userPrincipalName,mail\n")
	for i := range 5000 {
		fmt.Fprintf(&in, "00000000-0000-0000-0000-%012d,\"User, %d\",user%04d@contoso.onmicrosoft.com,user%04d@contoso.test\n", i, i, i, i)
	}
	b.ReportAllocs()
	b.SetBytes(int64(in.Len()))
	for b.Loop() {
		l, err := Parse(bytes.NewReader(in.Bytes()), Options{})
		if err != nil || len(l.Entries) != 5000 {
			b.Fatalf("%v, %d entries", err, len(l.Entries))
		}
	}
}
