// Package deck is Tollgate's rate deck: what a call to a number costs.
//
// A Deck is a list of Rows. A row prices calls to every number starting with
// its Prefix (E.164 digits, country code first, no "+") with a Tariff, for
// calls that start within its effective range. Rows name their destination,
// country and number Kind (landline, mobile, toll-free, ...), because mobile
// and landline calls to one country cost differently: Australia landline
// US$0.13/min, mobile (prefix 614) US$0.38/min.
//
// An Index, built once from a deck version, finds the row for a dialled
// number at a time: the longest prefix with a row in force then, probing a
// hash table of the prefixes by length without allocating (Index.Find
// returns a RowRef handle, Index.Lookup the whole Row). Tariff.Price prices a call of any
// duration in constant time with exact integer arithmetic, and
// Tariff.MaxSeconds answers the inverse, the longest call a budget pays
// for. EncodeSnapshot and DecodeSnapshot move an index between processes (the
// edge, the browser) as MessagePack.
//
// Every fast algorithm has a slow, obvious twin in the tests (pricing by
// walking every billing increment, the inverse by binary search over Price,
// lookup by scanning every row) and fuzz targets compare them; the
// benchmarks (go test -bench . ./core/deck) measure lookups on a
// 100,000-prefix deck against a map-per-prefix-length baseline, pricing, CSV
// import and snapshot decoding.
//
// # Pricing
//
// See Tariff for the formula. In short: a connection fee on every answered
// call, then tiers, each from a second of the call on, with a per-minute price
// and a billing increment; the seconds in a tier are rounded up to whole
// increments; the sum is exact and rounded once, by core.RoundCall (4 places,
// half away from zero). A 0-second call costs nothing.
//
// # CSV format
//
// ParseCSV reads, and WriteCSV writes, one header line and one line per row:
//
//	prefix,destination,country,kind,connection_fee,rate,initial_increment,subsequent_increment,tiers,effective_from,effective_to,currency
//	61,Australia,AU,landline,0,0.13,60,60,,2026-01-01,,USD
//	614,Australia Mobile,AU,mobile,0,0.38,60,60,,2026-01-01,,USD
//	33,France,FR,landline,0,,,,0:0.05/60;60:0.02/1,2026-01-01,,USD
//
// Columns, in any order; header names are matched case-insensitively with
// spaces, hyphens and underscores alike, and common aliases are accepted
// (in parentheses):
//
//	prefix               required: 1-15 digits, no "+" (code, dial_code, dialing_code, dial_prefix)
//	destination          required: name of the destination (destination_name, name, description)
//	country              ISO 3166-1 alpha-2, any case; empty for non-geographic codes (iso, iso2, country_iso)
//	kind                 other, landline, mobile, landline_or_mobile, toll_free, premium or an alias
//	                     accepted by ParseKind; empty means other (type, number_type, line_type)
//	connection_fee       charged once per answered call; empty means 0 (connect_fee, connection, setup, setup_fee)
//	rate                 price per minute (price, per_minute, rate_per_minute, price_per_minute)
//	initial_increment    seconds billed for the first block; default 60 (initial, first_increment)
//	subsequent_increment seconds of each later block; default initial_increment
//	                     (subsequent, increment, billing_increment, next_increment)
//	tiers                instead of rate and increments: FROM:PER_MINUTE/INCREMENT items separated
//	                     by ";", e.g. "0:0.20/60;60:0.05/1" (first minute at 0.20, then per second at 0.05)
//	effective_from       first instant the row is in force: 2006-01-02 (UTC midnight),
//	                     2006-01-02T15:04:05Z07:00, or 2006-01-02 15:04:05 (UTC); empty means always
//	                     (effective_date, effective, valid_from, start_date, from)
//	effective_to         first instant the row is no longer in force, same formats; empty means open-ended
//	                     (valid_to, end_date, expires, expiry, expiry_date, to, until)
//	currency             ISO 4217, the same on every row; empty means USD
//
// Rate and increments (r, i, s) mean the tiers {0, r, i}, {i, r, s} — one tier
// {0, r, i} when i = s — so 60/60, 1/1 and 30/6 billing are rate columns
// and anything else is a tiers column. Unknown or repeated columns are
// errors (a silently ignored "off_peak_rate" column would misbill), lines
// starting with "#" are comments, a UTF-8 byte order mark is skipped.
//
// Every problem is reported with its line number, and a file with any
// problem yields no deck at all. Rows with the same prefix are allowed when
// their effective ranges do not overlap.
package deck
