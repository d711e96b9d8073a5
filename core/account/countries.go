package account

// countrySet is a set of ISO 3166-1 alpha-2 country codes as a 26×26 bit set:
// membership is two subtractions and a shift, with no hashing or allocation,
// which keeps package coverage off the authorization budget.
type countrySet [11]uint64

// countryIndex returns the bit index of a two-letter upper-case code, or -1.
func countryIndex(c string) int {
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return -1
	}
	return int(c[0]-'A')*26 + int(c[1]-'A')
}

func (s *countrySet) add(c string) {
	if i := countryIndex(c); i >= 0 {
		s[i>>6] |= 1 << (i & 63)
	}
}

func (s *countrySet) addAll() {
	for i := 0; i < 26*26; i++ {
		s[i>>6] |= 1 << (i & 63)
	}
}

func (s *countrySet) has(c string) bool {
	i := countryIndex(c)
	return i >= 0 && s[i>>6]&(1<<(i&63)) != 0
}
