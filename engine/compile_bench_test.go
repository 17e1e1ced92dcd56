package engine

import (
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkCompileLarge compiles a 28-statement key policy whose every
// statement has conditions (the shape of runner's 30-statement question)
// from its JSON bytes, without the document cache: the work a document
// never seen costs.
func BenchmarkCompileLarge(b *testing.B) {
	statements := make([]any, 0, 28)
	for i := range 28 {
		statements = append(statements, map[string]any{
			"Sid": fmt.Sprintf("App%02d", i), "Effect": "Allow",
			"Principal": map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::111122223333:role/app-%02d", i)},
			"Action":    []any{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"}, "Resource": "*",
			"Condition": map[string]any{
				"StringEquals": map[string]any{"kms:ViaService": "s3.us-west-2.amazonaws.com", "kms:CallerAccount": "111122223333"},
				"StringLike":   map[string]any{"kms:EncryptionContext:aws:s3:arn": fmt.Sprintf("arn:aws:s3:::bucket-%02d/*", i)},
			},
		})
	}
	d, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Id": "large", "Statement": statements})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := embeddedCatalog(); err != nil {
		b.Fatal(err)
	}
	if doc, _, ok := compileBytes(d, kindResource, nil); !ok || len(doc.statements) != 28 {
		b.Fatal("the document does not compile")
	}
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	start := cpuTime(b)
	for b.Loop() {
		compileBytes(d, kindResource, nil)
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}
