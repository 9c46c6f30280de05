package output

import "unicode"

// The rune classes the terminal-safety policy escapes (docs/output.md,
// "Terminal safety").

// isControl reports C0 controls, DEL and C1 controls.
func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}

// isBidiControl reports the runes that change the order text is shown in:
// embeddings, overrides, isolates and the implicit marks (LRM, RLM, ALM).
func isBidiControl(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') ||
		r == '\u200e' || r == '\u200f' || r == '\u061c'
}

// isHidden reports runes a terminal shows as nothing, or that act on their
// neighbours, so that a look-alike name (an app, a user) could pass for
// another: bidi controls, every format character (category Cf: zero-width
// space and joiners, word joiner, invisible operators, BOM, soft hyphen …),
// the tag characters U+E0000–U+E007F and the other default-ignorable code
// points (Hangul fillers, U+2065 …). Variation selectors are not among
// them: they only pick a glyph (emoji presentation).
func isHidden(r rune) bool {
	if r < 0xad {
		return false
	}
	return isBidiControl(r) ||
		unicode.Is(unicode.Cf, r) ||
		(r >= 0xe0000 && r <= 0xe007f) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}
