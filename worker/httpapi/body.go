package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"slices"

	"github.com/tinylib/msgp/msgp"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// The media types the API speaks. JSON is the default; a client that sends
// or accepts application/msgpack gets MessagePack with the same document
// model (the same field names and value types as the JSON form).
const (
	mediaJSON    = "application/json"
	mediaMsgpack = "application/msgpack"
)

// Body size limits per kind of route.
const (
	limitSmall = 16 << 10 // a single authorization or similar
	limitBatch = 1 << 20  // a batch of CDRs
)

func wantsMsgpack(r *web.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), mediaMsgpack)
}

// respond writes v with status in the negotiated media type.
func respond(w web.ResponseWriter, r *web.Request, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		// Our own response types always marshal; this is a bug.
		status, b = web.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	ct := mediaJSON
	if wantsMsgpack(r) {
		if m, err := jsonToMsgpack(b); err == nil {
			b, ct = m, mediaMsgpack
		}
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// decode reads a JSON or MessagePack body of at most limit bytes into v.
// Unknown fields, trailing data, wrong types and malformed bodies are Invalid.
func decode(r *web.Request, limit int64, v any) error {
	body, err := readBody(r, limit)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return core.Errorf(core.Invalid, "request body is empty")
	}
	mt := mediaJSON
	if ct := r.Header.Get("Content-Type"); ct != "" && ct != mediaJSON {
		if mt, err = mediaType(ct); err != nil {
			return core.Errorf(core.Invalid, "malformed Content-Type")
		}
	}
	switch mt {
	case mediaJSON:
	case mediaMsgpack, "application/x-msgpack":
		if body, err = msgpackToJSON(body); err != nil {
			return err
		}
	default:
		return core.Errorf(core.Invalid, "unsupported Content-Type %q: send application/json or application/msgpack", mt)
	}
	if f, ok := v.(fastDecoder); ok && f.decodeFast(body) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return core.Errorf(core.Invalid, "request body has data after the document")
	}
	return nil
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var ce *core.Error
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return core.FieldErrorf(core.Invalid, field, "must be %s, not %s", jsonKind(te.Type.Kind().String()), te.Value)
	case errors.As(err, &se):
		return core.Errorf(core.Invalid, "malformed JSON at byte %d", se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return core.Errorf(core.Invalid, "truncated JSON body")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return core.FieldErrorf(core.Invalid, strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "unknown field")
	}
	return core.Errorf(core.Invalid, "malformed body")
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "bool":
		return "a boolean"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return k
}

// maxMsgpackDepth bounds the nesting of MessagePack documents from clients.
const maxMsgpackDepth = 32

// msgpackToJSON transcodes one MessagePack document to JSON so that both
// media types share one decoder and its validation.
func msgpackToJSON(b []byte) ([]byte, error) {
	var out bytes.Buffer
	rest, err := transcode(&out, b, 0)
	if err != nil {
		return nil, core.Errorf(core.Invalid, "malformed MessagePack body")
	}
	if len(rest) != 0 {
		return nil, core.Errorf(core.Invalid, "request body has data after the document")
	}
	return out.Bytes(), nil
}

func transcode(out *bytes.Buffer, b []byte, depth int) ([]byte, error) {
	if depth > maxMsgpackDepth {
		return nil, errors.New("too deep")
	}
	switch msgp.NextType(b) {
	case msgp.MapType:
		n, rest, err := msgp.ReadMapHeaderBytes(b)
		if err != nil {
			return nil, err
		}
		if uint64(n) > uint64(len(rest)) {
			return nil, errors.New("map too long")
		}
		out.WriteByte('{')
		for i := uint32(0); i < n; i++ {
			if i > 0 {
				out.WriteByte(',')
			}
			var k string
			if k, rest, err = msgp.ReadStringBytes(rest); err != nil {
				return nil, err
			}
			kb, _ := json.Marshal(k)
			out.Write(kb)
			out.WriteByte(':')
			if rest, err = transcode(out, rest, depth+1); err != nil {
				return nil, err
			}
		}
		out.WriteByte('}')
		return rest, nil
	case msgp.ArrayType:
		n, rest, err := msgp.ReadArrayHeaderBytes(b)
		if err != nil {
			return nil, err
		}
		if uint64(n) > uint64(len(rest)) {
			return nil, errors.New("array too long")
		}
		out.WriteByte('[')
		for i := uint32(0); i < n; i++ {
			if i > 0 {
				out.WriteByte(',')
			}
			if rest, err = transcode(out, rest, depth+1); err != nil {
				return nil, err
			}
		}
		out.WriteByte(']')
		return rest, nil
	}
	v, rest, err := msgp.ReadIntfBytes(b)
	if err != nil {
		return nil, err
	}
	switch v.(type) {
	case string, bool, nil, int64, uint64, float64, float32:
	default: // binary, extensions, timestamps: not part of the API's model
		return nil, errors.New("unsupported MessagePack type")
	}
	vb, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out.Write(vb)
	return rest, nil
}

// jsonToMsgpack transcodes a JSON document (our own response) to MessagePack:
// integers stay integers, other numbers become float64.
func jsonToMsgpack(b []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return appendMsgpack(make([]byte, 0, len(b)), v)
}

func appendMsgpack(b []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		return msgp.AppendNil(b), nil
	case bool:
		return msgp.AppendBool(b, x), nil
	case string:
		return msgp.AppendString(b, x), nil
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return msgp.AppendInt64(b, i), nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil, err
		}
		return msgp.AppendFloat64(b, f), nil
	case []any:
		b = msgp.AppendArrayHeader(b, uint32(len(x)))
		for _, e := range x {
			if b, err = appendMsgpack(b, e); err != nil {
				return nil, err
			}
		}
		return b, nil
	case map[string]any:
		// encoding/json gives maps in random order; sort for stable output.
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = msgp.AppendMapHeader(b, uint32(len(x)))
		for _, k := range keys {
			b = msgp.AppendString(b, k)
			if b, err = appendMsgpack(b, x[k]); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return nil, errors.New("unexpected JSON value")
}
