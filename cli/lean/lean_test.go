package lean

import (
	"testing"
)

// TestEvalArgs: kmsguard answers only the command lines of eval --batch
// whose meaning is plain; every other one is kmsguard-full's to read (its
// help, its errors).
func TestEvalArgs(t *testing.T) {
	tests := []struct {
		args []string
		want evalParams
		ok   bool
	}{
		{[]string{"eval", "--batch", "q.jsonl"}, evalParams{batch: "q.jsonl"}, true},
		{[]string{"eval", "--batch=q.jsonl", "--stats"}, evalParams{batch: "q.jsonl", stats: true}, true},
		{[]string{"eval", "--stats=true", "--format", "json", "--batch", "-"}, evalParams{batch: "-", stats: true}, true},
		{[]string{"eval", "--format=json", "--batch", "a=b.jsonl", "--stats=false"}, evalParams{batch: "a=b.jsonl"}, true},
		{[]string{"eval"}, evalParams{}, false},
		{[]string{"eval", "--batch"}, evalParams{}, false},
		{[]string{"eval", "--batch="}, evalParams{}, false},
		{[]string{"eval", "--batch", "--stats"}, evalParams{}, false},  // --stats as the file: pflag's reading
		{[]string{"eval", "--batch", "-x.jsonl"}, evalParams{}, false}, // looks like a flag
		{[]string{"eval", "--batch", "a", "--batch", "b"}, evalParams{}, false},
		{[]string{"eval", "--batch", "a", "--stats", "--stats"}, evalParams{}, false},
		{[]string{"eval", "--batch", "a", "--stats=1"}, evalParams{}, false},
		{[]string{"eval", "--batch", "a", "--format", "text"}, evalParams{}, false},
		{[]string{"eval", "--batch", "a", "--declined"}, evalParams{}, false},
		{[]string{"eval", "--batch", "a", "extra"}, evalParams{}, false},
		{[]string{"eval", "--batch", "a", "--"}, evalParams{}, false},
		{[]string{"eval", "-h"}, evalParams{}, false},
		{[]string{"eval", "--batch", "a", "--help"}, evalParams{}, false},
		{[]string{"can", "--batch", "a"}, evalParams{}, false},
		{[]string{"--batch", "a", "eval"}, evalParams{}, false},
		{nil, evalParams{}, false},
	}
	for _, tt := range tests {
		got, ok := evalArgs(tt.args)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("evalArgs(%q) = %+v, %v; want %+v, %v", tt.args, got, ok, tt.want, tt.ok)
		}
	}
}
