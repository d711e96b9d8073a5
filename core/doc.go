// Package core is Tollgate's rating domain: the vocabulary every other part of
// the system shares. It holds the error type with its codes, the money rounding
// policy and the small value types used across the sub-packages:
//
//   - core/e164: dial strings to E.164 numbers, emergency and short numbers;
//   - core/deck: rate decks, tariffs, closed-form call pricing, the
//     longest-prefix index, CSV import/export and msgp snapshots;
//   - core/region: the country sets that packages and the directory use;
//   - core/account: the catalog, account state, call authorization and CDR
//     rating;
//   - core/billing: billing cycles, proration, invoices and recommendations.
//
// core and its sub-packages import only the standard library,
// github.com/shopspring/decimal and the github.com/tinylib/msgp runtime. They
// never read the wall clock: callers pass the time in.
package core
