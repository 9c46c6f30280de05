package subjectlist

import (
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		v      string
		ck     colKind
		kind   Kind
		reason string // a substring; "" when the value is fine
	}{
		{guidA, colAny, KindID, ""},
		{guidB, colID, KindID, ""},
		{"0b7a5c3e1f2d4e6a9b8c7d6e5f4a3b2c", colAny, "", reasonUnknown},
		{"{" + guidA + "}", colID, "", "not an object id"},
		{"g" + guidA[1:], colAny, "", reasonUnknown},
		{dnA, colAny, KindDN, ""},
		{`CN="Vance, Adele",OU=Users,DC=contoso,DC=test`, colAny, KindDN, ""},
		{`cn=Vance\, Adele, ou=Users, dc=contoso`, colAny, KindDN, ""},
		{`CN=x,1.2.840.113556.1.4.1=y`, colAny, KindDN, ""},
		{`CN=Vance\`, colAny, "", "distinguished name"},
		{`CN="open,DC=x`, colAny, "", "distinguished name"},
		{`CN=a,,DC=x`, colAny, "", "distinguished name"},
		{`CN=a,D C=x`, colAny, "", "distinguished name"},
		{"CN=a@contoso.test,OU=Users,DC=contoso", colAny, KindDN, ""},
		{"alice_fabrikam.com#EXT#@contoso.onmicrosoft.com", colAny, KindUPN, ""},
		{"o'neil@contoso.test", colMail, KindMail, ""},
		{"o'neil@contoso.test", colAny, KindUPN, ""},
		{"alice@contoso.test", colID, "", "not an object id"},
		{guidA, colMail, "", "exactly one @"},
		{"a;b@contoso.test", colAny, "", `contains ';'`},
		{"\"a@contoso.test\"", colAny, "", `contains '"'`},
		{"a\u00a0b@contoso.test", colAny, "", "contains a space"},
		{"a\u202eb@contoso.test", colAny, "", "U+202E"},
		{"a\u2028b@contoso.test", colAny, "", "line separator"},
		{"a\x7fb@contoso.test", colAny, "", "U+007F"},
		{strings.Repeat("a", MaxValue-12) + "@contoso.test", colAny, "", "longer than 1024"},
		{strings.Repeat("a", MaxValue-13) + "@contoso.test", colAny, KindUPN, ""},
	} {
		kind, reason := classify(c.v, c.ck, "col")
		if kind != c.kind || (c.reason == "") != (reason == "") || !strings.Contains(reason, c.reason) {
			t.Errorf("classify(%q, %d) = %q, %q; want %q, %q", c.v, c.ck, kind, reason, c.kind, c.reason)
		}
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "",
		"plain@contoso.test":        "plain@contoso.test",
		"Zoë\u00a0ß":                `Zoë\u00a0ß`,
		"a\x00\x1b[31m\xc3":         `a\x00\x1b[31m\xc3`,
		"\u202e\U000E0001":          `\u202e\U000e0001`,
		strings.Repeat("é", 81):     strings.Repeat("é", 80) + "…",
		strings.Repeat("é", 80):     strings.Repeat("é", 80),
		strings.Repeat("\xff", 100): strings.Repeat(`\xff`, 80) + "…",
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}
