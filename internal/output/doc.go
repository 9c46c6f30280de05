// Package output is the one place that writes data for people and scripts.
//
// Data goes to stdout as JSON, JSON Lines (one compact value per line, a
// list one element per line), YAML (made from the JSON encoding, so field
// names are identical), the results of a --jq filter, or a table built from a
// [Viewer]. Commands that produce results one at a time print them through
// an [ItemStream]: at once, a line each, with -o jsonl; as one document at
// the end otherwise. Tables are rendered for a terminal (color, aligned columns cut to
// the width) or, when stdout is not a terminal, plainly: tab-separated, no
// color, nothing cut. Every string a table view shows passes through
// [Sanitize], so control characters that came from Graph cannot drive the
// terminal, and bidi, zero-width and other hidden characters are shown
// escaped (docs/output.md, "Terminal safety"). --jq results are streamed.
//
// Messages for people (warnings, errors, progress) go to stderr through
// [Streams.Warnf], [Streams.Errorf], [NewProgress] and, for runs over many
// subjects, [NewBulkProgress]; stdout carries only data.
package output
