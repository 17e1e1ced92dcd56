package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "kmsguard test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	s, err := New(context.Background(), Config{TLSCert: certFile, TLSKey: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	addr := serveOnLoopback(t, s)
	url := "https://" + addr
	client := func(maxVersion uint16) *http.Client {
		return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: maxVersion}}}
	}
	if resp := do(t, client(0), "POST", url+decisionPath, input(full("kms:Decrypt"))); resp.status != 200 {
		t.Errorf("over TLS: %d %s", resp.status, resp.body)
	}
	if _, err := client(tls.VersionTLS11).Get(url + "/health"); err == nil {
		t.Error("a TLS 1.1 client was served")
	}
	// Plain HTTP gets net/http's refusal, not an answer.
	if resp, err := http.Get(strings.Replace(url, "https", "http", 1) + "/health"); err == nil {
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP: status %d", resp.StatusCode)
		}
	}
}

// TestPanicHidesInternals: an internal failure is a 500 without details.
func TestPanicHidesInternals(t *testing.T) {
	s, err := New(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	s.beforeEval = func() { panic("secret internal state at handler.go:42") }
	ts := newHTTPTest(t, s)
	resp := do(t, ts.Client(), "POST", ts.URL+decisionPath, input(full("kms:Decrypt")))
	if resp.status != 500 || strings.Contains(string(resp.body), "secret") || strings.Contains(string(resp.body), ".go") {
		t.Errorf("panic: %d %s", resp.status, resp.body)
	}
	if m := resp.json(t); m["code"] != "internal" {
		t.Errorf("panic: %s", resp.body)
	}
}
