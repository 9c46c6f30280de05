package subjectlist

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

const (
	guidA = "0b7a5c3e-1f2d-4e6a-9b8c-7d6e5f4a3b2c"
	guidB = "9F8E7D6C-5B4A-4321-8FED-CBA987654321"
	dnA   = "CN=Adele Vance,OU=Users,DC=contoso,DC=test"
)

// got renders a list compactly: "line kind ref", "line<first ref",
// "line reason [text]".
func got(l *List) (entries, dups, problems []string) {
	for _, e := range l.Entries {
		entries = append(entries, fmt.Sprintf("%d %s %s", e.Line, e.Kind, e.Ref))
	}
	for _, d := range l.Duplicates {
		dups = append(dups, fmt.Sprintf("%d<%d %s", d.Line, d.FirstLine, d.Ref))
	}
	for _, p := range l.Problems {
		problems = append(problems, fmt.Sprintf("%d %s [%s]", p.Line, p.Reason, p.Text))
	}
	return
}

type parseCase struct {
	name     string
	in       string
	opts     Options
	format   string // "" means "lines"
	column   string
	entries  []string
	dups     []string
	problems []string
	err      string // a substring of the returned error
}

func runCases(t *testing.T, cases []parseCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := Parse(strings.NewReader(c.in), c.opts)
			if c.err != "" {
				var fe *Error
				if err == nil || !strings.Contains(err.Error(), c.err) || !errors.As(err, &fe) {
					t.Fatalf("error = %v, want an *Error containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			format := c.format
			if format == "" {
				format = "lines"
			}
			if l.Format != format || l.Column != c.column {
				t.Errorf("format %q column %q, want %q %q", l.Format, l.Column, format, c.column)
			}
			e, d, p := got(l)
			for _, x := range []struct {
				what      string
				got, want []string
			}{{"entries", e, c.entries}, {"duplicates", d, c.dups}, {"problems", p, c.problems}} {
				if !slices.Equal(x.got, x.want) {
					t.Errorf("%s:\n got  %q\n want %q", x.what, x.got, x.want)
				}
			}
		})
	}
}

func TestLines(t *testing.T) {
	runCases(t, []parseCase{
		{name: "empty input", in: ""},
		{name: "only comments and blanks", in: "# users\n\n   \n\t# more\n"},
		{name: "plain UPNs, blanks, comments, trailing blanks", in: "# wave 1\nalice@contoso.test\n\n  bob@contoso.test \t\n#carol@contoso.test\n",
			entries: []string{"2 upn alice@contoso.test", "4 upn bob@contoso.test"}},
		{name: "BOM, CRLF and no final newline", in: "\ufeffalice@contoso.test\r\nbob@contoso.test\r\n\r\ncarol@contoso.test",
			entries: []string{"1 upn alice@contoso.test", "2 upn bob@contoso.test", "4 upn carol@contoso.test"}},
		{name: "mixed kinds", in: guidA + "\n" + dnA + "\nadele@contoso.test\n" + guidB + "\n",
			entries: []string{"1 id " + guidA, "2 dn " + dnA, "3 upn adele@contoso.test", "4 id " + guidB}},
		{name: "DN first is not split as CSV", in: dnA + "\nCN=Vance\\, Adele,OU=Users,DC=contoso,DC=test\nou=Sales,dc=contoso\n",
			entries: []string{"1 dn " + dnA, "2 dn CN=Vance\\, Adele,OU=Users,DC=contoso,DC=test", "3 dn ou=Sales,dc=contoso"}},
		{name: "apostrophe kept", in: "pat.o'neil@contoso.test\n", entries: []string{"1 upn pat.o'neil@contoso.test"}},
		{name: "duplicates ignore case", in: "alice@contoso.test\n" + guidB + "\nALICE@Contoso.test\n" + strings.ToLower(guidB) + "\nalice@contoso.test\n",
			entries: []string{"1 upn alice@contoso.test", "2 id " + guidB},
			dups:    []string{"3<1 ALICE@Contoso.test", "4<2 " + strings.ToLower(guidB), "5<1 alice@contoso.test"}},
		{name: "bad lines with their numbers", in: "alice@contoso.test\nnot-a-user\n\n@contoso.test\nbob@\na@b@c\nbob smith@contoso.test\nbob@contoso.test,Bob\nCN=Adele\nCN=,DC=x\n" +
			"0b7a5c3e-1f2d-4e6a-9b8c-7d6e5f4a3b2\nlast@contoso.test",
			entries: []string{"1 upn alice@contoso.test", "12 upn last@contoso.test"},
			problems: []string{
				"2 " + reasonUnknown + " [not-a-user]",
				"4 user principal name needs text before and after @ [@contoso.test]",
				"5 user principal name needs text before and after @ [bob@]",
				"6 user principal name must contain exactly one @ [a@b@c]",
				"7 user principal name contains a space [bob smith@contoso.test]",
				`8 user principal name contains ',' [bob@contoso.test,Bob]`,
				"9 not a valid distinguished name (expected CN=…,OU=…,DC=…) [CN=Adele]",
				"10 not a valid distinguished name (expected CN=…,OU=…,DC=…) [CN=,DC=x]",
				"11 " + reasonUnknown + " [0b7a5c3e-1f2d-4e6a-9b8c-7d6e5f4a3b2]",
			}},
		{name: "first line a bad value is a problem, not a header", in: "@contoso.test\nalice@contoso.test\n",
			entries:  []string{"2 upn alice@contoso.test"},
			problems: []string{"1 user principal name needs text before and after @ [@contoso.test]"}},
		{name: "control, invisible and invalid bytes", in: "a\x01b@contoso.test\nzero\u200bwidth@contoso.test\nc1\u0085@contoso.test\nbad\xff@contoso.test\ntab\tin@contoso.test\nok@contoso.test\n",
			entries: []string{"6 upn ok@contoso.test"},
			problems: []string{
				`1 contains a control character (U+0001) [a\x01b@contoso.test]`,
				`2 contains an invisible formatting character (U+200B) [zero\u200bwidth@contoso.test]`,
				`3 contains a control character (U+0085) [c1\u0085@contoso.test]`,
				`4 not valid UTF-8 [bad\xff@contoso.test]`,
				`5 contains a control character (U+0009) [tab\x09in@contoso.test]`,
			}},
		{name: "lone CR is not a line ending", in: "a@contoso.test\rb@contoso.test\n",
			problems: []string{`1 contains a control character (U+000D) [a@contoso.test\x0db@contoso.test]`}},
		{name: "value over 1024 bytes is clipped", in: strings.Repeat("x", 1100) + "@contoso.test\n",
			problems: []string{"1 longer than 1024 bytes [" + strings.Repeat("x", 80) + "…]"}},
		{name: "unknown header", in: "Name,Department\nAlice,Sales\n", err: `line 1: "Name,Department" is neither a user`},
		{name: "single word first line", in: "\n# list\nusers\nalice@contoso.test\n", err: "line 3: \"users\" is neither a user"},
		{name: "UTF-16 file", in: "\xff\xfea\x00@\x00", err: "UTF-16"},
	})
}

func TestCSV(t *testing.T) {
	runCases(t, []parseCase{
		{name: "userPrincipalName", in: "displayName,userPrincipalName\nAlice,alice@contoso.test\n",
			format: "csv", column: "userPrincipalName", entries: []string{"2 upn alice@contoso.test"}},
		{name: "upn any case", in: "UPN\nalice@contoso.test\n",
			format: "csv", column: "UPN", entries: []string{"2 upn alice@contoso.test"}},
		{name: "objectId", in: "ObjectId,name\n" + guidA + ",A\n",
			format: "csv", column: "ObjectId", entries: []string{"2 id " + guidA}},
		{name: "id must be a GUID", in: "id\n" + guidB + "\nalice@contoso.test\n",
			format: "csv", column: "id", entries: []string{"2 id " + guidB},
			problems: []string{"3 id is not an object id (a GUID) [alice@contoso.test]"}},
		{name: "mail", in: "name,Mail\nA,alice@contoso.test\nB,b@x@y\nC,nobody\n",
			format: "csv", column: "Mail", entries: []string{"2 mail alice@contoso.test"},
			problems: []string{"3 mail address must contain exactly one @ [b@x@y]", "4 mail address must contain exactly one @ [nobody]"}},
		{name: "priority of known names", in: "mail,id,upn,userPrincipalName,objectId\nm@x,,u@x,upn@x,\n",
			format: "csv", column: "userPrincipalName", entries: []string{"2 upn upn@x"}},
		{name: "priority objectId over mail", in: "mail,objectId\nm@x," + guidA + "\n",
			format: "csv", column: "objectId", entries: []string{"2 id " + guidA}},
		{name: "quoting, commas and quotes", in: "displayName,userPrincipalName\n\"Vance, Adele\",adele@contoso.test\n\"O\"\"Neil, Pat\", \"pat.o'neil@contoso.test\"\n",
			format: "csv", column: "userPrincipalName", entries: []string{"2 upn adele@contoso.test", "3 upn pat.o'neil@contoso.test"}},
		{name: "BOM, CRLF, comments, blanks, no final newline", in: "\ufeff# export\r\nupn,name\r\n\r\n# skipped\r\na@contoso.test , A \r\n  b@contoso.test,B",
			format: "csv", column: "upn", entries: []string{"5 upn a@contoso.test", "6 upn b@contoso.test"}},
		{name: "malformed rows are reported, parsing goes on", in: "upn,name\na@contoso.test,x\"y\nb@contoso.test,\"B\"x\nc@contoso.test,C\n",
			format: "csv", column: "upn", entries: []string{"4 upn c@contoso.test"},
			problems: []string{`2 malformed CSV: bare " in non-quoted-field [a@contoso.test,x"y]`,
				`3 malformed CSV: extraneous or missing " in quoted-field [b@contoso.test,"B"x]`}},
		{name: "a quoted field spanning lines", in: "upn,address\na@contoso.test,\"1 Main St\n# Floor 2\nSpringfield\"\nb@contoso.test,x\n",
			format: "csv", column: "upn", entries: []string{"2 upn a@contoso.test", "5 upn b@contoso.test"}},
		{name: "quote left open to the end", in: "upn,name\na@contoso.test,A\nb@contoso.test,\"B\nc@contoso.test,C\n",
			format: "csv", column: "upn", entries: []string{"2 upn a@contoso.test"},
			problems: []string{`3 malformed CSV: extraneous or missing " in quoted-field [b@contoso.test,"B]`}},
		{name: "empty and missing cells", in: "name,upn\nA,\nB\nC, \"\" \nD,d@contoso.test\n",
			format: "csv", column: "upn", entries: []string{"5 upn d@contoso.test"},
			problems: []string{"2 empty upn [A,]", "3 no upn value (the row ends after column 1) [B]", `4 empty upn [C, ""]`}},
		{name: "newline inside the value", in: "upn\n\"a@contoso.test\nb\"\n",
			format: "csv", column: "upn", problems: []string{`2 contains a control character (U+000A) [a@contoso.test\x0ab]`}},
		{name: "duplicates in CSV", in: "objectId\n" + guidB + "\n" + strings.ToLower(guidB) + "\n",
			format: "csv", column: "objectId", entries: []string{"2 id " + guidB}, dups: []string{"3<2 " + strings.ToLower(guidB)}},
		{name: "DN column via --column", in: "distinguishedName;upn\n\"" + dnA + "\";adele@contoso.test\n",
			opts: Options{Column: "DistinguishedName"}, format: "csv", column: "distinguishedName", entries: []string{"2 dn " + dnA}},
		{name: "semicolon separated", in: "Name;UserPrincipalName\nVance, Adele;adele@contoso.test\n",
			format: "csv", column: "UserPrincipalName", entries: []string{"2 upn adele@contoso.test"}},
		{name: "header only", in: "userPrincipalName\n", format: "csv", column: "userPrincipalName"},
	})
}

func TestColumnOption(t *testing.T) {
	runCases(t, []parseCase{
		{name: "custom name", in: "Name,Email\nA,a@contoso.test\n", opts: Options{Column: "Email"},
			format: "csv", column: "Email", entries: []string{"2 upn a@contoso.test"}},
		{name: "case-insensitive", in: "name,EMAIL\nA,a@contoso.test\n", opts: Options{Column: " email "},
			format: "csv", column: "EMAIL", entries: []string{"2 upn a@contoso.test"}},
		{name: "overrides the known priority", in: "userPrincipalName,mail\nu@contoso.test,m@contoso.test\n", opts: Options{Column: "MAIL"},
			format: "csv", column: "mail", entries: []string{"2 mail m@contoso.test"}},
		{name: "known name keeps its meaning", in: "objectid\nnot-a-guid\n", opts: Options{Column: "objectId"},
			format: "csv", column: "objectid", problems: []string{"2 objectid is not an object id (a GUID) [not-a-guid]"}},
		{name: "unknown column lists the header", in: "Name,Email\nA,a@contoso.test\n", opts: Options{Column: "upn"},
			err: `line 1: no column "upn" in the header; its columns are: "Name", "Email"`},
		{name: "forces CSV on a plain list", in: "alice@contoso.test\n", opts: Options{Column: "upn"},
			err: `its columns are: "alice@contoso.test"`},
		{name: "unreadable header", in: "a\"b\n", opts: Options{Column: "upn"}, err: "cannot read the CSV header"},
		{name: "empty input", in: "", opts: Options{Column: "upn"}, format: "csv"},
		{name: "blank name", in: "a,,b\n", opts: Options{Column: " \t"}, err: "--column needs a column name"},
	})
}

func TestLongLines(t *testing.T) {
	long := strings.Repeat("y", MaxLine+1)
	atLimit := strings.Repeat("z", MaxLine)
	runCases(t, []parseCase{
		{name: "lines", in: "a@contoso.test\n" + long + "\n" + atLimit + "\r\nb@contoso.test\n" + long,
			entries: []string{"1 upn a@contoso.test", "4 upn b@contoso.test"},
			problems: []string{"2 line longer than 64 KiB [" + strings.Repeat("y", 80) + "…]",
				"3 longer than 1024 bytes [" + strings.Repeat("z", 80) + "…]",
				"5 line longer than 64 KiB [" + strings.Repeat("y", 80) + "…]"}},
		{name: "long first line", in: long + "\nupn\na@contoso.test\n", format: "csv", column: "upn",
			entries:  []string{"3 upn a@contoso.test"},
			problems: []string{"1 line longer than 64 KiB [" + strings.Repeat("y", 80) + "…]"}},
		{name: "csv row", in: "upn\n" + long + "\nb@contoso.test\n", format: "csv", column: "upn",
			entries:  []string{"3 upn b@contoso.test"},
			problems: []string{"2 line longer than 64 KiB [" + strings.Repeat("y", 80) + "…]"}},
		{name: "quote left open runs past the limit", in: "upn,note\na@contoso.test,\"open\n" + strings.Repeat(strings.Repeat("w", 1000)+"\n", 70) + "b@contoso.test,x\n",
			format: "csv", column: "upn", entries: []string{"73 upn b@contoso.test"},
			problems: []string{`2 row longer than 64 KiB (a quote left open?) [a@contoso.test,"open]`,
				"69 " + reasonUnknown + " [" + strings.Repeat("w", 80) + "…]",
				"70 " + reasonUnknown + " [" + strings.Repeat("w", 80) + "…]",
				"71 " + reasonUnknown + " [" + strings.Repeat("w", 80) + "…]",
				"72 " + reasonUnknown + " [" + strings.Repeat("w", 80) + "…]"}},
	})
}

func TestMaxEntries(t *testing.T) {
	in := "a@x\nb@x\nA@X\nc@x\n"
	l, err := Parse(strings.NewReader(in), Options{MaxEntries: 3})
	if err != nil || len(l.Entries) != 3 || len(l.Duplicates) != 1 {
		t.Fatalf("three users (and a duplicate) fit a limit of 3: %v %+v", err, l)
	}
	in += "d@x\n"
	_, err = Parse(strings.NewReader(in), Options{MaxEntries: 3})
	var fe *Error
	if !errors.As(err, &fe) || fe.Line != 5 || !strings.Contains(err.Error(), "more than 3 users") || !strings.Contains(err.Error(), "split") {
		t.Fatalf("error = %v, want line 5, the limit and a hint to split", err)
	}
	if newParser(nil, 0).max != DefaultMaxEntries {
		t.Fatal("MaxEntries 0 must mean the default")
	}
}

func TestRecordedCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("a@x\n")
	for i := 0; i < MaxRecorded+20; i++ {
		b.WriteString("bad\na@x\n")
	}
	l, err := Parse(strings.NewReader(b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Problems) != MaxRecorded || l.MoreProblems != 20 || l.Invalid() != MaxRecorded+20 {
		t.Errorf("problems %d + %d, want %d + 20", len(l.Problems), l.MoreProblems, MaxRecorded)
	}
	if len(l.Duplicates) != MaxRecorded || l.MoreDuplicates != 20 {
		t.Errorf("duplicates %d + %d, want %d + 20", len(l.Duplicates), l.MoreDuplicates, MaxRecorded)
	}
}

func TestReaderErrorsAreWrapped(t *testing.T) {
	boom := errors.New("boom")
	for _, c := range []struct {
		name string
		r    io.Reader
		line string
	}{
		{"at once", iotest.ErrReader(boom), "read subject list"},
		{"in lines", io.MultiReader(strings.NewReader("a@x\nb@x\n"), iotest.ErrReader(boom)), "line 3"},
		{"in csv", io.MultiReader(strings.NewReader("upn\na@x\n"), iotest.ErrReader(boom)), "line 3"},
		{"in a long line", io.MultiReader(strings.NewReader("a@x\n"+strings.Repeat("x", MaxLine+10)), iotest.ErrReader(boom)), "line 2"},
		{"one byte at a time", iotest.OneByteReader(io.MultiReader(strings.NewReader("upn\n\"a@x\n"), iotest.ErrReader(boom))), "line 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.r, Options{})
			var fe *Error
			if !errors.Is(err, boom) || errors.As(err, &fe) || !strings.Contains(err.Error(), c.line) {
				t.Fatalf("error = %v, want boom wrapped with %q", err, c.line)
			}
		})
	}
}

func TestOneByteReads(t *testing.T) {
	in := "\ufeffupn,note\r\na@contoso.test,\"x\r\ny\"\r\nb@contoso.test,z"
	l, err := Parse(iotest.OneByteReader(strings.NewReader(in)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e, _, p := got(l); !slices.Equal(e, []string{"2 upn a@contoso.test", "4 upn b@contoso.test"}) || p != nil {
		t.Fatalf("entries %q problems %q", e, p)
	}
}
