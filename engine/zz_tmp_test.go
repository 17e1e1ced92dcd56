package engine

import (
	"encoding/json"
	"fmt"
	"hash/maphash"
	"testing"
)

func largeDoc() []byte {
	statements := make([]any, 0, 30)
	for i := 0; i < 28; i++ {
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
	d, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Id": "x", "Statement": statements})
	return d
}

func BenchmarkTmpCompile(b *testing.B) {
	d := largeDoc()
	embeddedCatalog()
	b.ReportAllocs()
	for b.Loop() {
		compileBytes(d, kindResource, nil)
	}
}
func BenchmarkTmpSkip(b *testing.B) {
	d := largeDoc()
	for b.Loop() {
		skipValue(d, 0)
	}
}
func BenchmarkTmpHash(b *testing.B) {
	d := largeDoc()
	s := maphash.MakeSeed()
	for b.Loop() {
		maphash.Bytes(s, d)
	}
}
func BenchmarkTmpDecode(b *testing.B) {
	d := largeDoc()
	for b.Loop() {
		decodeValue(d)
	}
}
