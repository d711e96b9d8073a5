// Package e164 turns what people dial into telephone numbers Tollgate can
// rate and authorise.
//
// A Number is an E.164 international number ("+442079460000"): a small,
// comparable value type in the style of net/netip, usable as a map key, whose
// zero value is invalid. ParseNumber reads the canonical form; ParseDial reads
// a dial string the way a caller types it (national format with the trunk
// prefix, an international (IDD) prefix such as 00, 011 or 0011, a leading +,
// spaces and separators) relative to the caller's home country, and
// recognises emergency and essential short numbers (999, 112, 911, 000, 111,
// 101, ...) before anything else, so that they are never rated as
// international calls and never blocked. Number.Region tells the region
// of a number whose calling code several regions share (+1 416 is Canada,
// +1 876 Jamaica).
//
// The country table (calling codes, trunk and IDD prefixes, number lengths and
// emergency numbers of about 245 regions) is generated from libphonenumber's
// metadata by ./internal/gencountries; the package itself depends only on the
// standard library and core. Errors are *core.Error with code core.Invalid and
// a message fit for the person who dialled. Everything here is safe for
// concurrent use, and parsing does not allocate unless it fails.
package e164

//go:generate go run ./internal/gencountries -o countries_gen.go
