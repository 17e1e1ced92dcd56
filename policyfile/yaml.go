package policyfile

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// cfnTags are CloudFormation's short-form intrinsic functions: `!Ref x` is
// {"Ref": x}, `!Condition x` is {"Condition": x}, `!Sub x` is
// {"Fn::Sub": x}, and so on.
var cfnTags = map[string]string{
	"!Ref":          "Ref",
	"!Condition":    "Condition",
	"!And":          "Fn::And",
	"!Base64":       "Fn::Base64",
	"!Cidr":         "Fn::Cidr",
	"!Equals":       "Fn::Equals",
	"!FindInMap":    "Fn::FindInMap",
	"!ForEach":      "Fn::ForEach",
	"!GetAtt":       "Fn::GetAtt",
	"!GetAZs":       "Fn::GetAZs",
	"!If":           "Fn::If",
	"!ImportValue":  "Fn::ImportValue",
	"!Join":         "Fn::Join",
	"!Length":       "Fn::Length",
	"!Not":          "Fn::Not",
	"!Or":           "Fn::Or",
	"!Select":       "Fn::Select",
	"!Split":        "Fn::Split",
	"!Sub":          "Fn::Sub",
	"!ToJsonString": "Fn::ToJsonString",
	"!Transform":    "Fn::Transform",
}

// decodeYAML decodes the first YAML document into JSON values (json.Number
// numbers), expanding CloudFormation short-form tags and merge keys, and
// records the line of every mapping and sequence.
func decodeYAML(name string, data []byte) (any, positions, error) {
	root, err := ParseYAML(name, data)
	if err != nil {
		return nil, nil, err
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, nil, &Error{File: name, Msg: "empty input: expected a document"}
	}
	c := yamlConverter{name: name, pos: positions{}}
	v, err := c.value(root.Content[0], "", 0)
	if err != nil {
		return nil, nil, err
	}
	return v, c.pos, nil
}

type yamlConverter struct {
	name string
	pos  positions
}

// maxAliasDepth bounds alias expansion (a "billion laughs" document).
const maxAliasDepth = 64

func (c *yamlConverter) errorAt(n *yaml.Node, msg string) error {
	return &Error{File: c.name, Line: n.Line, Column: n.Column, Msg: msg}
}

func (c *yamlConverter) value(n *yaml.Node, ptr string, depth int) (any, error) {
	if depth > maxAliasDepth {
		return nil, c.errorAt(n, "invalid YAML: aliases nested too deeply")
	}
	if n.Kind == yaml.AliasNode {
		return c.value(n.Alias, ptr, depth+1)
	}
	tag := n.Tag
	if fn, ok := cfnTags[tag]; ok {
		return c.intrinsic(n, fn, ptr, depth)
	}
	if strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") {
		return nil, c.errorAt(n, "invalid YAML: unknown tag "+tag)
	}
	return c.plain(n, ptr, depth)
}

// plain converts a node ignoring any custom tag.
func (c *yamlConverter) plain(n *yaml.Node, ptr string, depth int) (any, error) {
	switch n.Kind {
	case yaml.MappingNode:
		c.pos[ptr] = n.Line
		obj := make(map[string]any, len(n.Content)/2)
		var merges []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
				merges = append(merges, v)
				continue
			}
			key := k.Value
			if k.Kind != yaml.ScalarNode {
				return nil, c.errorAt(k, "invalid YAML: a mapping key must be a scalar")
			}
			val, err := c.value(v, pointer(ptr, key), depth)
			if err != nil {
				return nil, err
			}
			obj[key] = val
		}
		for _, m := range merges {
			if err := c.merge(obj, m, ptr, depth); err != nil {
				return nil, err
			}
		}
		return obj, nil
	case yaml.SequenceNode:
		c.pos[ptr] = n.Line
		list := make([]any, 0, len(n.Content))
		for i, e := range n.Content {
			v, err := c.value(e, index(ptr, i), depth)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case yaml.ScalarNode:
		// A scalar's line too, as JSON records every member's: a policy
		// given as a JSON string (KeyPolicy: '{...}') points at its property.
		c.pos[ptr] = n.Line
		return c.scalar(n)
	case yaml.AliasNode:
		return c.value(n, ptr, depth)
	}
	return nil, c.errorAt(n, "invalid YAML: unexpected node")
}

// merge applies a merge key (`<<: *base` or `<<: [*a, *b]`): keys the
// mapping does not set itself are taken from the merged mappings.
func (c *yamlConverter) merge(obj map[string]any, m *yaml.Node, ptr string, depth int) error {
	v, err := c.value(m, ptr+"/<<", depth+1)
	if err != nil {
		return err
	}
	var sources []any
	if list, ok := v.([]any); ok {
		sources = list
	} else {
		sources = []any{v}
	}
	for _, s := range sources {
		src, ok := s.(map[string]any)
		if !ok {
			return c.errorAt(m, "invalid YAML: a merge key (<<) needs a mapping or a list of mappings")
		}
		for k, val := range src {
			if _, set := obj[k]; !set {
				obj[k] = val
			}
		}
	}
	return nil
}

// scalar converts a scalar by its resolved tag.
func (c *yamlConverter) scalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, c.errorAt(n, "invalid YAML: "+err.Error())
		}
		return b, nil
	case "!!int":
		var i any
		if err := n.Decode(&i); err != nil {
			return nil, c.errorAt(n, "invalid YAML: "+err.Error())
		}
		switch x := i.(type) {
		case int:
			return json.Number(strconv.Itoa(x)), nil
		case int64:
			return json.Number(strconv.FormatInt(x, 10)), nil
		case uint64:
			return json.Number(strconv.FormatUint(x, 10)), nil
		case float64:
			return json.Number(strconv.FormatFloat(x, 'g', -1, 64)), nil
		}
		return n.Value, nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, c.errorAt(n, "invalid YAML: "+err.Error())
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return n.Value, nil // not a JSON number
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	}
	// !!str, !!timestamp (Version: 2012-10-17), !!binary: the text as written.
	return n.Value, nil
}

// intrinsic converts a CloudFormation short-form tag to the long form.
func (c *yamlConverter) intrinsic(n *yaml.Node, fn, ptr string, depth int) (any, error) {
	c.pos[ptr] = n.Line
	inner, err := c.plain(n, pointer(ptr, fn), depth)
	if err != nil {
		return nil, err
	}
	if fn == "Fn::GetAtt" {
		// !GetAtt Resource.Attribute (the attribute may hold dots).
		if s, ok := inner.(string); ok {
			res, attr, found := strings.Cut(s, ".")
			if !found {
				return nil, c.errorAt(n, "invalid YAML: !GetAtt needs Resource.Attribute, got "+strconv.Quote(s))
			}
			inner = []any{res, attr}
		}
	}
	return map[string]any{fn: inner}, nil
}
