package result

// Finding is one lint finding (docs/lint-format.md, "Findings").
type Finding struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Title            string   `json:"title"`
	Severity         string   `json:"severity"`
	Category         string   `json:"category"`
	Msg              string   `json:"msg"`
	Statement        *int     `json:"statement,omitempty"`
	Sid              string   `json:"sid,omitempty"`
	Description      string   `json:"description,omitempty"`
	Remediation      string   `json:"remediation,omitempty"`
	RelatedResources []string `json:"related_resources,omitempty"`
}

// Rule is one lint rule of the catalog, read from its package's METADATA.
type Rule struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Title            string   `json:"title"`
	Severity         string   `json:"severity"`
	Category         string   `json:"category"`
	Description      string   `json:"description,omitempty"`
	Remediation      string   `json:"remediation,omitempty"`
	RelatedResources []string `json:"related_resources,omitempty"`
	// Package is the Rego package of the rule, File the module declaring
	// its METADATA.
	Package string `json:"package"`
	File    string `json:"-"`
}

// Readiness is the answer of data.kmsguard.readiness.report.
type Readiness struct {
	Service string           `json:"service"`
	Ready   bool             `json:"ready"`
	Checks  []ReadinessCheck `json:"checks"`
}

// ReadinessCheck is one question the service asks and its decision.
// Required is false for what the service's documentation lists but the
// service works without.
type ReadinessCheck struct {
	Requirement string         `json:"requirement"`
	Required    bool           `json:"required"`
	Question    map[string]any `json:"question"`
	Decision    *Answer        `json:"decision"`
	OK          bool           `json:"ok"`
}
