// Package odata is the emulator's pure OData query support: a $filter
// subset (parser and evaluator), $select projection, $skiptoken paging and
// the checks of which properties and operators a resource accepts. It knows
// nothing of HTTP or of the tenant; the emulator's handlers turn its results
// into Graph answers.
package odata
