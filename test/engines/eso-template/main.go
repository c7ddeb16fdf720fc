// Command eso-template executes the template of an External Secrets ExternalSecret
// (spec.target.template) the way External Secrets v2.9.0 does, over given store item data, and
// prints the rendered Secret parts as JSON. It exists so that tests can prove, with Go's own
// text/template, what ESO makes of the templates this project renders.
//
// Input (stdin):  {"cases": [{"template": <spec.target.template>, "data": {"field": "value"}}]}
// Output (stdout): {"results": [{"type": "...", "data": {"key": "<base64>"}, "labels": {...},
//
//	"annotations": {...}} or {"error": "..."}]}
//
// What it mirrors, read from external-secrets v2.9.0:
//   - pkg/controllers/externalsecret/externalsecret_controller_template.go (ApplyTemplate): the
//     Secret's labels and annotations start as copies of template.metadata (setMetadata); item data
//     is kept only with mergePolicy Merge or without template data; then template.data, then
//     template.metadata.labels, then template.metadata.annotations are executed, each VALUE a
//     template (pkg/controllers/templating/parser.go MergeMap, scope Values, decoding None), the
//     KEYS as they are. The first error stops everything: the controller reports it on the
//     ExternalSecret (SecretSyncedError) and leaves the existing Secret untouched.
//   - runtime/template/v2/template.go (execute): text/template.New(key),
//     Option("missingkey=error"), the function map below, delimiters "{{" "}}" (the controller's
//     --template-left/right-delimiter defaults), data = the item's fields as map[string]string.
//   - runtime/template/v2/sprig: a copy of Masterminds sprig v3 without env, expandenv and
//     getHostByName, plus sha512sum and hexdec; ESO adds its own functions on top.
//
// Differences, none of which touches how text and actions are told apart: keys run in sorted
// order (ESO ranges over a Go map, so which failing key is reported first may differ); sprig is
// Debian's 3.2.3 (ESO copied a 3.3 pre-release); ESO's PKCS#12/PEM/JWK/rsaDecrypt functions are
// defined (so templates parse alike) but fail when called; toYaml/fromYaml go through
// gopkg.in/yaml.v2 and encoding/json like sigs.k8s.io/yaml; templateFrom is refused; the Go
// toolchain is the one installed (ESO v2.9.0 is built with Go 1.26).
package main

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/template"
	"unicode/utf8"

	"github.com/Masterminds/sprig/v3"
	yaml "gopkg.in/yaml.v2"
)

// esTemplate is spec.target.template of an ExternalSecret (the fields this engine supports).
type esTemplate struct {
	EngineVersion string            `json:"engineVersion"`
	Type          string            `json:"type"`
	MergePolicy   string            `json:"mergePolicy"`
	Metadata      templateMetadata  `json:"metadata"`
	Data          map[string]string `json:"data"`
	TemplateFrom  []json.RawMessage `json:"templateFrom"`
}

type templateMetadata struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

type testCase struct {
	Template esTemplate        `json:"template"`
	Data     map[string]string `json:"data"`
}

type result struct {
	Type        string            `json:"type,omitempty"`
	Data        map[string]string `json:"data,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Error       string            `json:"error,omitempty"`
}

func main() {
	dec := json.NewDecoder(os.Stdin)
	dec.DisallowUnknownFields()
	var in struct {
		Cases []testCase `json:"cases"`
	}
	if err := dec.Decode(&in); err != nil {
		fmt.Fprintf(os.Stderr, "eso-template: bad input: %v\n", err)
		os.Exit(2)
	}
	out := struct {
		Results []result `json:"results"`
	}{Results: make([]result, 0, len(in.Cases))}
	for _, c := range in.Cases {
		out.Results = append(out.Results, render(c))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(os.Stderr, "eso-template: %v\n", err)
		os.Exit(2)
	}
}

// render applies one template and reports the result or the error as the controller would.
func render(c testCase) result {
	r, err := applyTemplate(c.Template, c.Data)
	if err != nil {
		return result{Error: fmt.Sprintf("could not apply template: %v", err)}
	}
	return r
}

// applyTemplate follows ApplyTemplate of ESO v2.9.0 for template.data and template.metadata.
func applyTemplate(t esTemplate, item map[string]string) (result, error) {
	if len(t.TemplateFrom) > 0 {
		return result{}, fmt.Errorf("templateFrom is not supported by this engine")
	}
	if t.EngineVersion != "" && t.EngineVersion != "v2" { // the CRD defaults engineVersion to v2
		return result{}, fmt.Errorf("unsupported template engine version: %s", t.EngineVersion)
	}
	r := result{Type: t.Type, Data: map[string]string{}, Labels: copyMap(t.Metadata.Labels), Annotations: copyMap(t.Metadata.Annotations)}
	if t.MergePolicy == "Merge" || len(t.Data) == 0 {
		for k, v := range item {
			r.Data[k] = base64.StdEncoding.EncodeToString([]byte(v))
		}
	}
	targets := []struct {
		name      string
		templates map[string]string
		set       func(key string, val []byte) error
	}{
		{"data", t.Data, func(k string, v []byte) error { r.Data[k] = base64.StdEncoding.EncodeToString(v); return nil }},
		{"label", t.Metadata.Labels, func(k string, v []byte) error { return setText(r.Labels, "label", k, v) }},
		{"annotation", t.Metadata.Annotations, func(k string, v []byte) error { return setText(r.Annotations, "annotation", k, v) }},
	}
	for _, target := range targets {
		for _, key := range sortedKeys(target.templates) {
			val, err := execute(key, target.templates[key], item)
			if err != nil {
				// ApplyTemplate and MergeMap each add "could not execute template", valueScopeApply the key.
				return result{}, fmt.Errorf("could not execute template: could not execute template: unable to execute template at key %s: %v", key, err)
			}
			if err := target.set(key, val); err != nil {
				return result{}, err
			}
		}
	}
	return r, nil
}

// execute is runtime/template/v2 execute: one value, parsed and run as its own template.
func execute(key, text string, item map[string]string) ([]byte, error) {
	t, err := template.New(key).Option("missingkey=error").Funcs(funcMap).Delims("{{", "}}").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("unable to parse template at key %s: %s", key, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, item); err != nil {
		return nil, fmt.Errorf("unable to execute template at key %s: %s", key, err)
	}
	return buf.Bytes(), nil
}

// setText stores a rendered label or annotation; Kubernetes metadata is UTF-8 text.
func setText(m map[string]string, what, key string, val []byte) error {
	if !utf8.Valid(val) {
		return fmt.Errorf("rendered %s %s is not valid UTF-8", what, key)
	}
	m[key] = string(val)
	return nil
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// funcMap is ESO v2.9.0's template function map (runtime/template/v2/template.go tplFuncs).
var funcMap = buildFuncMap()

func buildFuncMap() template.FuncMap {
	fm := sprig.TxtFuncMap()
	for _, removed := range []string{"env", "expandenv", "getHostByName"} {
		delete(fm, removed)
	}
	fm["sha512sum"] = func(s string) string { sum := sha512.Sum512([]byte(s)); return hex.EncodeToString(sum[:]) }
	fm["hexdec"] = func(s string) string {
		b, err := hex.DecodeString(s)
		if err != nil {
			return err.Error()
		}
		return string(b)
	}
	fm["toYaml"] = toYAML
	fm["fromYaml"] = fromYAML
	for _, name := range []string{
		"pkcs12key", "pkcs12keyPass", "pkcs12cert", "pkcs12certPass",
		"pemToPkcs12", "pemToPkcs12Pass", "fullPemToPkcs12", "fullPemToPkcs12Pass",
		"pemTruststoreToPKCS12", "pemTruststoreToPKCS12Pass",
		"filterPEM", "filterCertChain", "certSANs", "jwkPublicKeyPem", "jwkPrivateKeyPem", "rsaDecrypt",
	} {
		fm[name] = unavailable(name)
	}
	return fm
}

func unavailable(name string) func(...interface{}) (string, error) {
	return func(...interface{}) (string, error) {
		return "", fmt.Errorf("%s is not implemented by the test engine", name)
	}
}

// toYAML is ESO's toYaml: sigs.k8s.io/yaml.Marshal (JSON first, then YAML), errors swallowed.
func toYAML(v interface{}) string {
	j, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var obj interface{}
	if err := yaml.Unmarshal(j, &obj); err != nil {
		return ""
	}
	y, err := yaml.Marshal(obj)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(y), "\n")
}

// fromYAML is ESO's fromYaml: YAML to JSON to map[string]any, the error under "Error".
func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	var v interface{}
	err := yaml.Unmarshal([]byte(s), &v)
	if err == nil {
		var j []byte
		if j, err = json.Marshal(jsonCompatible(v)); err == nil {
			err = json.Unmarshal(j, &m)
		}
	}
	if err != nil {
		m["Error"] = err.Error()
	}
	return m
}

// jsonCompatible turns yaml.v2's map[interface{}]interface{} into map[string]interface{}.
func jsonCompatible(v interface{}) interface{} {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		m := make(map[string]interface{}, len(t))
		for k, val := range t {
			m[fmt.Sprint(k)] = jsonCompatible(val)
		}
		return m
	case []interface{}:
		for i := range t {
			t[i] = jsonCompatible(t[i])
		}
		return t
	}
	return v
}
