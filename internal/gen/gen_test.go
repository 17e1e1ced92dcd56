package gen

import (
	"encoding/json"
	"testing"
)

func TestGenerateDeterministic(t *testing.T) {
	a, _ := json.Marshal(Generate(2000, 42))
	b, _ := json.Marshal(Generate(2000, 42))
	c, _ := json.Marshal(Generate(2000, 43))
	if string(a) != string(b) {
		t.Fatal("Generate is not deterministic for a fixed seed")
	}
	if string(a) == string(c) {
		t.Fatal("different seeds gave the same questions")
	}
}
