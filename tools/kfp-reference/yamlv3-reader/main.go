// Command yamlv3-reader reads YAML files as the KFP API server does (Go's
// gopkg.in/yaml.v3, every document decoded into interface{}) and prints what
// it got, typed, in the same form as ../read_yaml_typed.py: one JSON line per
// file, {"file", "ok", "documents"} or {"file", "ok": false, "error"}; scalars
// tagged {"int": "..."}, {"float": "..."}, {"other": "<type>: <value>"}.
// A test peer only: nothing of it is shipped.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"gopkg.in/yaml.v3"
)

func typed(value interface{}) (interface{}, error) {
	switch v := value.(type) {
	case nil, bool, string:
		return v, nil
	case int:
		return map[string]string{"int": strconv.Itoa(v)}, nil
	case int64:
		return map[string]string{"int": strconv.FormatInt(v, 10)}, nil
	case uint64:
		return map[string]string{"int": strconv.FormatUint(v, 10)}, nil
	case float64:
		return map[string]string{"float": strconv.FormatFloat(v, 'g', -1, 64)}, nil
	case []interface{}:
		out := make([]interface{}, len(v))
		for i, item := range v {
			t, err := typed(item)
			if err != nil {
				return nil, err
			}
			out[i] = t
		}
		return out, nil
	case map[string]interface{}:
		out := make(map[string]interface{}, len(v))
		for key, item := range v {
			t, err := typed(item)
			if err != nil {
				return nil, err
			}
			out[key] = t
		}
		return out, nil
	case map[interface{}]interface{}:
		for key := range v {
			if _, ok := key.(string); !ok {
				return nil, fmt.Errorf("a mapping key is not a string: %v (%T)", key, key)
			}
		}
		out := make(map[string]interface{}, len(v))
		for key, item := range v {
			t, err := typed(item)
			if err != nil {
				return nil, err
			}
			out[key.(string)] = t
		}
		return out, nil
	default:
		return map[string]string{"other": fmt.Sprintf("%T: %v", v, v)}, nil
	}
}

func readFile(path string) ([]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	decoder := yaml.NewDecoder(bytes.NewReader(data))
	documents := []interface{}{}
	for {
		var document interface{}
		err := decoder.Decode(&document)
		if errors.Is(err, io.EOF) {
			return documents, nil
		}
		if err != nil {
			return nil, err
		}
		if document == nil {
			continue
		}
		t, err := typed(document)
		if err != nil {
			return nil, err
		}
		documents = append(documents, t)
	}
}

func main() {
	out := json.NewEncoder(os.Stdout)
	for _, path := range os.Args[1:] {
		documents, err := readFile(path)
		if err != nil {
			_ = out.Encode(map[string]interface{}{"file": path, "ok": false, "error": err.Error()})
			continue
		}
		_ = out.Encode(map[string]interface{}{"file": path, "ok": true, "documents": documents})
	}
}
