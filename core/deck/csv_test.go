package deck

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
)

func TestParseCSVAliases(t *testing.T) {
	in := "\xef\xbb\xbf" + // a spreadsheet's byte order mark
		"Dial Code, Destination Name ,ISO,Number-Type,Connect Fee,Rate Per Minute,Initial Increment,Subsequent Increment,Effective Date,Valid To\r\n" +
		"# a comment line\r\n" +
		"61,Australia,au,Fixed Line,,0.13,,,2026-01-01,\r\n" +
		"614,Australia Mobile,AU,mobile,0.01,0.38,30,6,2026-01-01T00:00:00+10:00,2027-01-01 00:00:00\r\n" +
		"\r\n" +
		"1,\"United States, Canada\",US,landline or mobile,0,0.01,1,1,,\r\n"
	d, err := ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	jan := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	want := &Deck{Currency: "USD", Rows: []Row{
		{Prefix: "61", Destination: "Australia", Country: "AU", Kind: KindLandline,
			Tariff: MustNewTariff(decimal.Zero, Tier{0, m("0.13"), 60}), EffectiveFrom: jan},
		{Prefix: "614", Destination: "Australia Mobile", Country: "AU", Kind: KindMobile,
			Tariff:        MustNewTariff(m("0.01"), Tier{0, m("0.38"), 30}, Tier{30, m("0.38"), 6}),
			EffectiveFrom: jan.Add(-10 * time.Hour), EffectiveTo: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Prefix: "1", Destination: "United States, Canada", Country: "US", Kind: KindLandlineOrMobile,
			Tariff: MustNewTariff(decimal.Zero, Tier{0, m("0.01"), 1})},
	}}
	if !d.Equal(want) {
		t.Errorf("got  %+v\nwant %+v", d, want)
	}
}

// wantErrors parses in and checks it fails with problems on exactly these
// lines (and columns, if given as "line:field").
func TestParseCSVErrors(t *testing.T) {
	const h = "prefix,destination,country,kind,connection_fee,rate,initial_increment,subsequent_increment,tiers,effective_from,effective_to,currency\n"
	tests := []struct {
		name string
		in   string
		want []string // "line:field"
	}{
		{"empty", "", []string{"1:"}},
		{"header only", h, []string{"1:"}},
		{"unknown column", "prefix,destination,rate,off_peak_rate\n61,AU,0.1,0.05\n", []string{"1:off_peak_rate"}},
		{"repeated column", "prefix,code,destination,rate\n", []string{"1:code"}},
		{"no prefix column", "destination,rate\nAU,0.1\n", []string{"1:prefix"}},
		{"no price column", "prefix,destination\n61,AU\n", []string{"1:rate"}},
		{"bad rows", h +
			"61,Australia,AU,landline,0,0.13,60,60,,2026-01-01,,USD\n" +
			"+614,Australia Mobile,AU,mobile,0,0.38,60,60,,2026-01-01,,USD\n" +
			"44,UK,GBR,landline,0,0.02,60,60,,2026-01-01,,USD\n" +
			"33,France,FR,fax,0,0.02,60,60,,2026-01-01,,USD\n" +
			"34,Spain,ES,landline,-1,0.02,60,60,,2026-01-01,,USD\n" +
			"35,X,PT,landline,0,abc,60,60,,2026-01-01,,USD\n" +
			"36,X,HU,landline,0,0.1,0,60,,2026-01-01,,USD\n" +
			"37,X,,landline,0,0.1,60,60,0:0.1/60,2026-01-01,,USD\n" +
			"38,X,,landline,0,,,,0:0.1/60;30:0.1/1,2026-01-01,,USD\n" +
			"39,X,,landline,0,0.1,60,60,,2026-13-01,,USD\n" +
			"40,X,RO,landline,0,0.1,60,60,,2026-02-01,2026-01-01,USD\n" +
			"41,X,CH,landline,0,0.1,60,60,,2026-02-01,,EUR\n" +
			"42,,CZ,landline,0,0.1,60,60,,,,USD\n" +
			"43,X,AT,landline,0,0.1,60,60,,,\n" +
			"1234567890123456,X,,landline,0,0.1,60,60,,,,USD\n" +
			"45,X,DK,landline,0,,,,,,,USD\n",
			[]string{"3:prefix", "4:country", "5:kind", "6:connection_fee", "7:rate", "8:tiers[0].increment", "9:tiers",
				"10:tiers[0].increment", "11:effective_from", "12:effective_to", "13:currency", "14:destination", "15:", "16:prefix", "17:rate"}},
		{"overlapping duplicates", h +
			"44,UK,GB,landline,0,0.02,60,60,,2026-01-01,2026-06-01,USD\n" +
			"44,UK,GB,landline,0,0.03,60,60,,2026-06-01,,USD\n" + // adjacent: fine
			"44,UK,GB,landline,0,0.04,60,60,,2026-07-01,2026-08-01,USD\n" + // inside the open row
			"61,AU,AU,landline,0,0.04,60,60,,,,USD\n" +
			"61,AU,AU,landline,0,0.05,60,60,,,,USD\n",
			[]string{"4:prefix", "6:prefix"}},
		{"malformed quote", h + "61,\"Aus\"tralia,AU,landline,0,0.13,60,60,,,,USD\n", []string{"2:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseCSV(strings.NewReader(tt.in))
			if d != nil {
				t.Errorf("got a deck despite errors")
			}
			if core.ErrorCode(err) != core.Invalid {
				t.Fatalf("error %v: code %q, want invalid", err, core.ErrorCode(err))
			}
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T is not an *ImportError", err)
			}
			var got []string
			for _, re := range ie.Errors {
				field := re.Field
				if strings.Contains(tt.want[min(len(got), len(tt.want)-1)], ":") && !strings.Contains(field, ".") && strings.HasPrefix(field, "tiers") {
					field = "tiers"
				}
				got = append(got, itoa(re.Line)+":"+field)
				if re.Message == "" {
					t.Errorf("line %d: empty message", re.Line)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("problems at %v, want %v\n%v", got, tt.want, err)
			}
		})
	}
}

func itoa(i int) string { return decimal.NewFromInt(int64(i)).String() }

func TestCSVRoundTripSample(t *testing.T) {
	raw, err := os.ReadFile("testdata/sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseCSV(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := d.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(buf.String(), "\n"); first != Header {
		t.Errorf("header %q, want %q", first, Header)
	}
	again, err := ParseCSV(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Equal(d) {
		t.Errorf("round trip changed the deck:\n%s", buf.String())
	}
	// The sample is already canonical apart from its comments.
	var body []string
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "#") {
			body = append(body, line)
		}
	}
	if got := buf.String(); got != strings.Join(body, "\n") {
		t.Errorf("WriteCSV output differs from the sample:\n%s", got)
	}
}

func TestImportErrorMessage(t *testing.T) {
	var b strings.Builder
	b.WriteString("prefix,destination,rate\n")
	for i := 0; i < 20; i++ {
		b.WriteString("x,y,z\n")
	}
	_, err := ParseCSV(strings.NewReader(b.String()))
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Errors) < 20 {
		t.Fatalf("got %v", err)
	}
	if msg := core.ErrorMessage(err); !strings.Contains(msg, "line 2") || !strings.Contains(msg, "more") {
		t.Errorf("message %q", msg)
	}
}

func FuzzParseCSV(f *testing.F) {
	if raw, err := os.ReadFile("testdata/sample.csv"); err == nil {
		f.Add(string(raw))
	}
	f.Add("code,destination,rate\n61,AU,0.13\n")
	f.Add("prefix,destination,tiers,effective_from,effective_to\n33,FR,0:0.05/60;60:0.02/1,2026-01-01T10:00:00Z,2027-01-01\n")
	f.Add("prefix,destination,rate,initial,increment,kind,country\n1,\"US, CA\",0.01,6,6,landline_or_mobile,us\n")
	f.Fuzz(func(t *testing.T, in string) {
		d, err := ParseCSV(strings.NewReader(in))
		if err != nil {
			if d != nil || core.ErrorCode(err) != core.Invalid {
				t.Fatalf("error %v with deck %v", err, d)
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("parsed deck does not validate: %v", err)
		}
		var buf bytes.Buffer
		if err := d.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		again, err := ParseCSV(&buf)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, buf.String())
		}
		if !again.Equal(d) {
			t.Fatalf("round trip changed the deck")
		}
	})
}
