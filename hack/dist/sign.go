package main

import (
	"bytes"
	"crypto"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"helm.sh/helm/v3/pkg/provenance"
	"sigs.k8s.io/yaml"
)

// PublicKeyFile is the public keyring published beside the archives: the
// --keyring of `helm plugin install` (Helm 4 verifies by default).
const PublicKeyFile = "stella-plugins.gpg"

// signer writes Helm provenance files (.prov): a PGP clear-signed message
// of the plugin's metadata, "...", and the archive's sha256 under its file
// name — the block Helm 4's `helm plugin install` verifies (it reads only
// the checksum). Helm's v3 SDK loads the key (a GnuPG-style binary keyring
// and a key name, as `helm package --sign --keyring --key`); its ClearSign
// wants a chart, so the message block is written here in Helm's format.
type signer struct {
	sig *provenance.Signatory
}

// newSigner loads name's private key from keyring; passphraseFile, when
// set, unlocks it. An empty keyring means: do not sign.
func newSigner(keyring, name, passphraseFile string) (*signer, error) {
	if keyring == "" {
		return nil, nil
	}
	if name == "" {
		return nil, fmt.Errorf("-sign-name (STELLA_SIGN_NAME) is required with -sign-key")
	}
	sig, err := provenance.NewFromKeyring(keyring, name)
	if err != nil {
		return nil, fmt.Errorf("signing key %q in %s: %w", name, keyring, err)
	}
	if sig.Entity == nil || sig.Entity.PrivateKey == nil {
		return nil, fmt.Errorf("signing key %q in %s: no private key", name, keyring)
	}
	if sig.Entity.PrivateKey.Encrypted {
		if passphraseFile == "" {
			return nil, fmt.Errorf("signing key %q is encrypted: set -sign-passphrase-file", name)
		}
		pass, err := os.ReadFile(passphraseFile)
		if err != nil {
			return nil, err
		}
		if err := sig.DecryptKey(func(string) ([]byte, error) { return bytes.TrimRight(pass, "\r\n"), nil }); err != nil {
			return nil, fmt.Errorf("signing key %q: %w", name, err)
		}
	}
	return &signer{sig: sig}, nil
}

type pluginMeta struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// sign writes path.prov for the archive at path.
func (s *signer) sign(path, name, version string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sum, err := provenance.Digest(bytes.NewReader(data))
	if err != nil {
		return err
	}
	meta, err := yaml.Marshal(pluginMeta{Name: name, Version: version})
	if err != nil {
		return err
	}
	sums, err := yaml.Marshal(&provenance.SumCollection{Files: map[string]string{filepath.Base(path): "sha256:" + sum}})
	if err != nil {
		return err
	}
	// "---" may not start a line of a clear-signed message: Helm separates
	// the two YAML documents with "...".
	msg := append(append(meta, []byte("\n...\n")...), sums...)
	var out bytes.Buffer
	w, err := clearsign.Encode(&out, s.sig.Entity.PrivateKey, &packet.Config{DefaultHash: crypto.SHA512})
	if err != nil {
		return fmt.Errorf("sign %s: %w", path, err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("sign %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("sign %s: %w", path, err)
	}
	return os.WriteFile(path+".prov", out.Bytes(), 0o644)
}

// publishKey writes the signing key's public part as a binary keyring.
func (s *signer) publishKey(dist string) error {
	var b bytes.Buffer
	if err := s.sig.Entity.Serialize(&b); err != nil {
		return fmt.Errorf("public key: %w", err)
	}
	return os.WriteFile(filepath.Join(dist, PublicKeyFile), b.Bytes(), 0o644)
}
