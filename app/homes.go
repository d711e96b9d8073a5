package portal

import "strings"

// homeCountry is a country a caller can dial from, for the rate checker's
// "Calling from" selector (national and international dialling differ).
type homeCountry struct{ ISO, Name string }

// homeCountries are the selectable home countries, by name.
var homeCountries = []homeCountry{
	{"AU", "Australia"}, {"AT", "Austria"}, {"BE", "Belgium"}, {"BR", "Brazil"}, {"CA", "Canada"},
	{"DK", "Denmark"}, {"FI", "Finland"}, {"FR", "France"}, {"DE", "Germany"}, {"HK", "Hong Kong"},
	{"IN", "India"}, {"IE", "Ireland"}, {"IL", "Israel"}, {"IT", "Italy"}, {"JP", "Japan"},
	{"MX", "Mexico"}, {"NL", "Netherlands"}, {"NZ", "New Zealand"}, {"NO", "Norway"}, {"PL", "Poland"},
	{"PT", "Portugal"}, {"SG", "Singapore"}, {"ZA", "South Africa"}, {"ES", "Spain"}, {"SE", "Sweden"},
	{"CH", "Switzerland"}, {"AE", "United Arab Emirates"}, {"GB", "United Kingdom"}, {"US", "United States"},
}

// defaultHome picks the home country from a browser language tag ("en-GB"),
// falling back to the United States.
func defaultHome(lang string) string {
	if i := strings.LastIndexAny(lang, "-_"); i >= 0 {
		iso := strings.ToUpper(lang[i+1:])
		for _, h := range homeCountries {
			if h.ISO == iso {
				return iso
			}
		}
	}
	return "US"
}

func isHome(iso string) bool {
	for _, h := range homeCountries {
		if h.ISO == iso {
			return true
		}
	}
	return false
}
