package main

import (
	"encoding/json"
	"encoding/pem"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// knownSecret is one value no output may show.
type knownSecret struct{ kind, value string }

// minSecretLen keeps short, guessable values (and empty ones) out of the
// scan: they would match by chance.
const minSecretLen = 12

// collectSecrets gathers every secret of the run: what the emulator issued
// or received (GET /_emulator/secrets), the refresh and access tokens of
// each token cache, and the certificate's private key.
func collectSecrets(t *testing.T, emu *emuControl, caches []string, certFile string) []knownSecret {
	t.Helper()
	var recs []struct{ Kind, Value string }
	if err := json.Unmarshal(emu.call(t, "GET", "/_emulator/secrets", ""), &recs); err != nil {
		t.Fatalf("GET /_emulator/secrets: %v", err)
	}
	var out []knownSecret
	for _, r := range recs {
		out = append(out, knownSecret{r.Kind, r.Value})
	}
	for _, c := range caches {
		out = append(out, cacheSecrets(t, c)...)
	}
	out = append(out, privateKeyLines(t, certFile)...)
	seen := map[string]bool{}
	kept := out[:0]
	for _, s := range out {
		if len(s.value) >= minSecretLen && !seen[s.value] {
			seen[s.value] = true
			kept = append(kept, s)
		}
	}
	return kept
}

// cacheSecrets reads the "secret" of every item of an MSAL cache file.
func cacheSecrets(t *testing.T, path string) []knownSecret {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]struct {
		Secret string `json:"secret"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []knownSecret
	for section, items := range doc {
		for _, it := range items {
			out = append(out, knownSecret{"cache " + section, it.Secret})
		}
	}
	return out
}

// privateKeyLines are the base64 lines of the PEM's private key, but the
// first: it holds the ASN.1 prefix every RSA key of that size shares.
func privateKeyLines(t *testing.T, path string) []knownSecret {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []knownSecret
	for rest := data; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if !strings.Contains(blk.Type, "PRIVATE KEY") {
			continue
		}
		enc := pem.EncodeToMemory(&pem.Block{Type: blk.Type, Bytes: blk.Bytes})
		lines := strings.Split(string(enc), "\n")
		for _, l := range lines[2 : len(lines)-2] { // skip BEGIN, the prefix line, END and ""
			out = append(out, knownSecret{"certificate private key", l})
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no private key", path)
	}
	return out
}

// leak is an output line that shows a secret, masked for the report.
type leak struct {
	kinds []string // the kinds of secret the line shows
	line  string   // masked (maskLine)
}

// scanOutput finds the lines of one output that show a secret: whole, or
// by a telltale part (a cut or partly masked secret still leaks; see
// secretParts), or a PEM private key.
func scanOutput(text string, secrets []knownSecret) []leak {
	var out []leak
	for _, line := range strings.Split(text, "\n") {
		var kinds []string
		if strings.Contains(line, "PRIVATE KEY-----") {
			kinds = append(kinds, "PEM private key")
		}
		for _, s := range secrets {
			for _, part := range secretParts(s.value) {
				if strings.Contains(line, part) {
					kinds = append(kinds, s.kind)
					break
				}
			}
		}
		if len(kinds) > 0 {
			out = append(out, leak{kinds, maskLine(line, secrets)})
		}
	}
	return out
}

// secretParts are the strings whose presence shows a secret: the secret
// itself and the telltale parts a cut or half-masked copy keeps. For a JWT
// that is its signature and the signature's start (its header and claims
// are shared by many tokens and are no secret); for another long random
// value its first and last 16 characters and its middle 20.
func secretParts(v string) []string {
	if segs := strings.Split(v, "."); len(segs) == 3 && strings.HasPrefix(v, "eyJ") {
		if sig := segs[2]; len(sig) >= 32 {
			return []string{v, sig, sig[:16]}
		}
		return []string{v}
	}
	parts := []string{v}
	if len(v) >= 24 {
		parts = append(parts, v[:16], v[len(v)-16:])
	}
	if len(v) > 40 {
		parts = append(parts, v[len(v)/2:len(v)/2+20])
	}
	return parts
}

// maskLine replaces every secret (and telltale part) in a line by its
// kind, any other token-like run (a cut secret's rest) by <…> and numbers
// (ports, times, ids) by N, so that the report leaks nothing and the same
// leak in many runs reads the same.
func maskLine(line string, secrets []knownSecret) string {
	sorted := append([]knownSecret(nil), secrets...)
	sort.Slice(sorted, func(a, b int) bool { return len(sorted[a].value) > len(sorted[b].value) })
	for _, s := range sorted {
		for i, part := range secretParts(s.value) {
			label := s.kind
			if i > 0 {
				label = "part of " + label
			}
			line = strings.ReplaceAll(line, part, "\x00"+label+"\x01")
		}
	}
	line = tokenLike.ReplaceAllString(line, "<…>")
	line = number.ReplaceAllString(line, "N")
	line = strings.NewReplacer("\x00", "<", "\x01", ">").Replace(line)
	runes := []rune(line)
	if at := strings.IndexRune(line, '<'); len(runes) > 300 && at > 100 {
		runes = append([]rune("…"), []rune(line[at-100:])...)
	}
	if len(runes) > 300 {
		runes = append(runes[:300], '…')
	}
	return string(runes)
}

var number = regexp.MustCompile(`[0-9]+`)

// tokenLike is a run of characters tokens, secrets and keys are made of.
var tokenLike = regexp.MustCompile(`[A-Za-z0-9._~+/=-]{24,}`)
