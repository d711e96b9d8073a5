// Package account is the account side of Tollgate's rating core: the product
// catalog, the state of one customer account (users and their call
// privileges, lines and number contracts, calling packages, the pooled minute
// bundle, pay-as-you-go spend, caps and notification thresholds, calls in
// progress), call authorization, CDR rating and the msgp snapshot of an
// account that the edge replicates.
//
// The same code runs natively, in the browser and on the edge; the one shared
// agreement table (core/testdata/agreement.json) proves that the price an
// authorization quotes is the price the CDR is charged.
//
// An *Account is not safe for concurrent use: its owner (a Durable Object, a
// test, the portal) serialises access. Nothing here reads the wall clock;
// every time is passed in.
package account
