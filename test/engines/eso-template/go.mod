// The real Go template engine of External Secrets v2, for the engine tests (test/engines).
// Built offline in GOPATH mode against Debian's packages (golang-go, golang-github-masterminds-sprig-dev, golang-gopkg-yaml.v2-dev);
// this file only makes the "/v3" import of sprig resolve there. test/engines/eso-template.ts builds it.
module eso-template

go 1.19
