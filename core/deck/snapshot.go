package deck

//go:generate go tool msgp -file snapshot.go -o snapshot_gen.go -unexported -io=false -tests=false

//msgp:tuple snapTier snapPlace snapRow

// The MessagePack form of a deck snapshot (see EncodeSnapshot). Money is
// stored as integer nano-units and times as Unix seconds, so decoding needs
// no decimal parsing; destinations and tariffs are stored once and referred
// to by position. Every slice has a decode limit, and DecodeSnapshot checks
// the structure before allocating anything (see checkShape).
type snapshot struct {
	Format   string       `msg:"format"` // snapshotFormat
	Version  string       `msg:"version"`
	Currency string       `msg:"currency"`
	Places   []snapPlace  `msg:"places,limit=2000000"`
	Tariffs  []snapTariff `msg:"tariffs,limit=2000000"`
	Rows     []snapRow    `msg:"rows,limit=2000000"`
}

// snapPlace is a destination: name and country.
type snapPlace struct {
	Destination string
	Country     string
}

type snapTariff struct {
	Fee   int64      `msg:"fee"` // nano-units
	Tiers []snapTier `msg:"tiers,limit=16"`
}

type snapTier struct {
	From int64 // seconds
	Rate int64 // nano-units per minute
	Inc  int64 // seconds
}

type snapRow struct {
	Prefix string
	Place  uint32
	Kind   uint8
	Tariff uint32
	From   int64 // Unix seconds; math.MinInt64 = always
	To     int64 // Unix seconds; math.MaxInt64 = open-ended
}
