// Package account is the account side of Tollgate's rating core: the product
// catalog, the state of one customer account (users and their call
// privileges, lines and number contracts, calling packages, the pooled minute
// bundle, pay-as-you-go spend, caps and notification thresholds, calls in
// progress), call authorization, CDR rating, the glue that turns an account
// into billing items, and the msgp snapshot of an account that the edge
// replicates.
//
// The same code runs natively, in the browser and on the edge; the one shared
// agreement table (core/testdata/agreement.json, see AgreementTable) proves
// that the price an authorization quotes is the price the CDR is charged.
//
// # Policies
//
//   - Emergency and essential short numbers (e164.Dialled.NeverBlocked) and
//     inbound calls are always allowed, free and without a time limit, in
//     every state of the account (unknown user, cap reached, bundle used
//     up, domestic-only privileges).
//   - Calls are rated on the deck row of the number in force when the call
//     started; the row's country decides packages, the bundle (home country
//     only) and privileges. Unlimited packages and the bundle cover
//     landline and mobile numbers; premium and "other" numbers always go to
//     the rate card; toll-free numbers of the home country are free.
//   - The pooled bundle is billed per started minute of each call (61 s
//     uses 2 minutes); a call may use the minutes left, so MaxSeconds is
//     minutes left × 60. With overspend on, a call that outlasts the bundle
//     it started with pays Price(d) − Price(bundle seconds) at the rate card.
//   - With overspend off, once the pooled bundle is used up (less than a
//     minute left, counting what reservations and leases hold), every
//     outbound call but the never-blocked numbers is denied
//     (DeniedBundleExhausted), whatever would cover it, until the bundle
//     resets on the 1st.
//   - Pay-as-you-go calls are rounded per call with core.RoundCall. With a
//     cap, MaxSeconds is the longest duration whose price fits cap − spent −
//     held, so the call cannot cost more than what is left.
//   - A reserved call holds its bundle seconds and the price of its maximum
//     duration until its CDR (or Expire); metered calls are authorised for
//     at most Settings.CallLimit so that one call cannot hold everything.
//   - Bundles and the pay-as-you-go cycle reset at midnight on the 1st in
//     the account's zone; nothing carries over. A call counts against the
//     month it started in, also when its CDR arrives after the 1st.
//   - CDRs are idempotent by call id for the current and the previous
//     month; an unreserved CDR older than that is refused, not charged.
//     The account keeps a record of each rated call (at most MaxRated, in
//     its snapshot), or leaves the records to its owner (UseRatedCalls:
//     one small record per call, read only when that call's CDR arrives,
//     so the account's own state does not grow with the month's calls).
//
// An *Account is not safe for concurrent use: its owner (a Durable Object, a
// test, the portal) serialises access. Nothing here reads the wall clock;
// every time is passed in.
package account
