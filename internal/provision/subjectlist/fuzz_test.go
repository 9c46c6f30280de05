package subjectlist

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse: no panic on any file or --column, and whatever is returned
// holds the promises the caller relies on before sending anything.
func FuzzParse(f *testing.F) {
	for _, seed := range []struct{ in, column string }{
		{"alice@contoso.test\nbob@contoso.test\n", ""},
		{"\ufeff# c\r\n" + guidA + "\r\n\r\n" + dnA + "\r\nALICE@x\r\nalice@x", ""},
		{"displayName,userPrincipalName\n\"Vance, Adele\",adele@x\n\"O\"\"Neil\",\"o'neil@x\"\n", ""},
		{"upn,note\na@x,\"open\n# not a comment\nb@x,\"\"\"\n", ""},
		{"name;Mail\nA;a@x\nB;b@x@y\n", ""},
		{"objectId\n" + guidB + "\nnot-a-guid\n\n", ""},
		{"Name,Email\nA,a@x\n", "email"},
		{"Name,Email\nA,a@x\n", "nope"},
		{"a\"b\n", "upn"},
		{"a\x01b@x\nzero\u200bwidth@x\n\xff\xfe\n", ""},
		{"\xff\xfea\x00", ""},
		{"CN=a\\,b,DC=c\nCN=\"q,r\",DC=s\nCN=\\", ""},
		{"upn\n" + strings.Repeat("x", MaxLine+3) + "\n", ""},
		{"", "id"},
	} {
		f.Add([]byte(seed.in), seed.column)
	}
	f.Fuzz(func(t *testing.T, in []byte, column string) {
		const max = 50
		l, err := Parse(bytes.NewReader(in), Options{Column: column, MaxEntries: max})
		if err != nil {
			var fe *Error
			if l != nil || !errors.As(err, &fe) {
				t.Fatalf("got list %v and error %v: want no list and an *Error (the reader never fails)", l, err)
			}
			if !utf8.ValidString(err.Error()) || hasControl(err.Error()) {
				t.Fatalf("error not printable: %q", err)
			}
			return
		}
		badFormat := l.Format != "lines" && l.Format != "csv" ||
			l.Format == "lines" && (l.Column != "" || l.Comma != 0) ||
			l.Format == "csv" && len(l.Entries) > 0 && (l.Column == "" || l.Comma == 0)
		if len(l.Entries) > max || badFormat {
			t.Fatalf("bad list header: format %q column %q, %d entries", l.Format, l.Column, len(l.Entries))
		}
		keys := map[string]bool{}
		last := 0
		for _, e := range l.Entries {
			switch {
			case e.Ref == "" || len(e.Ref) > MaxValue || !utf8.ValidString(e.Ref) || hasControl(e.Ref):
				t.Fatalf("bad ref %q on line %d", e.Ref, e.Line)
			case e.Kind != KindID && e.Kind != KindUPN && e.Kind != KindMail && e.Kind != KindDN:
				t.Fatalf("bad kind %q", e.Kind)
			case e.Line <= last:
				t.Fatalf("entry lines not increasing: %d after %d", e.Line, last)
			case keys[strings.ToLower(e.Ref)]:
				t.Fatalf("duplicate kept: %q", e.Ref)
			}
			if e.Kind == KindID && !isGUID(e.Ref) {
				t.Fatalf("id %q is not a GUID", e.Ref)
			}
			keys[strings.ToLower(e.Ref)] = true
			last = e.Line
		}
		last = 0
		for _, d := range l.Duplicates {
			if d.FirstLine >= d.Line || d.Line <= last || !keys[strings.ToLower(d.Ref)] {
				t.Fatalf("bad duplicate %+v after line %d", d, last)
			}
			last = d.Line
		}
		last = 0
		for _, p := range l.Problems {
			if p.Line <= last || p.Reason == "" || !utf8.ValidString(p.Text) || hasControl(p.Text) || utf8.RuneCountInString(p.Text) > 6*clipRunes {
				t.Fatalf("bad problem %+v after line %d", p, last)
			}
			last = p.Line
		}
	})
}

// hasControl reports what must never reach a terminal from a file.
func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return true
		}
	}
	return false
}
