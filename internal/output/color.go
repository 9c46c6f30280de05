package output

import "github.com/fatih/color"

// styleAttributes maps each Style to its terminal attributes.
var styleAttributes = map[Style][]color.Attribute{
	Success: {color.FgGreen},
	Warning: {color.FgYellow},
	Failure: {color.FgRed},
	Pending: {color.FgCyan},
	Muted:   {color.FgHiBlack},
	Bold:    {color.Bold},
}

// palettes holds one color object per Style with color on ([true]) and off
// ([false]). Each object's EnableColor/DisableColor is set once here, so the
// global color.NoColor (which fatih/color derives from os.Stdout) never
// decides; the objects are read-only afterwards and safe for concurrent use.
var palettes = map[bool]map[Style]*color.Color{
	true:  newPalette(true),
	false: newPalette(false),
}

func newPalette(enabled bool) map[Style]*color.Color {
	p := make(map[Style]*color.Color, len(styleAttributes))
	for style, attrs := range styleAttributes {
		c := color.New(attrs...)
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		p[style] = c
	}
	return p
}

// paint colors text in style when enabled; Plain and unknown styles are left
// as they are.
func paint(enabled bool, style Style, text string) string {
	c, ok := palettes[enabled][style]
	if !ok || text == "" {
		return text
	}
	return c.Sprint(text)
}

// Paint colors text for stdout in the given style when Color is on. It does
// not sanitize: pass it text that is already safe for a terminal.
func (s *Streams) Paint(style Style, text string) string {
	return paint(s.Color, style, text)
}

// ErrPaint colors text for stderr in the given style when ErrColor is on. It
// does not sanitize: pass it text that is already safe for a terminal.
func (s *Streams) ErrPaint(style Style, text string) string {
	return paint(s.ErrColor, style, text)
}
