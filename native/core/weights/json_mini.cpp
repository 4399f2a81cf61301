#include "core/weights/json_mini.h"

#include <cstdlib>

#include "core/errors.h"

namespace videomae::weights {

const JsonValue* JsonValue::find(const std::string& key) const {
  for (const auto& entry : object)
    if (entry.first == key) return &entry.second;
  return nullptr;
}

namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(const std::string& text, const std::string& what) : text_(text), what_(what) {}

  JsonValue parseDocument() {
    JsonValue value = parseValue(0);
    skipSpace();
    if (pos_ != text_.size()) error("unexpected trailing characters");
    return value;
  }

 private:
  [[noreturn]] void error(const std::string& message) const {
    fail(ErrorCode::Checkpoint, what_ + ": invalid JSON (" + message + " at byte " + std::to_string(pos_) + ")");
  }

  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) ++pos_;
  }

  char peek() {
    skipSpace();
    if (pos_ >= text_.size()) error("unexpected end");
    return text_[pos_];
  }

  void expect(char c) {
    if (peek() != c) error(std::string("expected '") + c + "'");
    ++pos_;
  }

  bool consumeWord(const char* word) {
    size_t n = std::char_traits<char>::length(word);
    if (text_.compare(pos_, n, word) != 0) return false;
    pos_ += n;
    return true;
  }

  JsonValue parseValue(int depth) {
    if (depth > kMaxDepth) error("nesting too deep");
    char c = peek();
    JsonValue value;
    if (c == '{') {
      value.kind = JsonValue::Kind::Object;
      ++pos_;
      if (peek() == '}') {
        ++pos_;
        return value;
      }
      for (;;) {
        if (peek() != '"') error("expected a key");
        std::string key = parseString();
        expect(':');
        value.object.emplace_back(std::move(key), parseValue(depth + 1));
        char next = peek();
        ++pos_;
        if (next == '}') break;
        if (next != ',') error("expected ',' or '}'");
      }
    } else if (c == '[') {
      value.kind = JsonValue::Kind::Array;
      ++pos_;
      if (peek() == ']') {
        ++pos_;
        return value;
      }
      for (;;) {
        value.array.push_back(parseValue(depth + 1));
        char next = peek();
        ++pos_;
        if (next == ']') break;
        if (next != ',') error("expected ',' or ']'");
      }
    } else if (c == '"') {
      value.kind = JsonValue::Kind::String;
      value.string = parseString();
    } else if (consumeWord("true")) {
      value.kind = JsonValue::Kind::Bool;
      value.boolean = true;
    } else if (consumeWord("false")) {
      value.kind = JsonValue::Kind::Bool;
    } else if (consumeWord("null")) {
      value.kind = JsonValue::Kind::Null;
    } else {
      value.kind = JsonValue::Kind::Number;
      value.number = parseNumber();
    }
    return value;
  }

  double parseNumber() {
    size_t start = pos_;
    while (pos_ < text_.size() && std::string("+-0123456789.eE").find(text_[pos_]) != std::string::npos) ++pos_;
    if (start == pos_) error("unexpected character");
    std::string token = text_.substr(start, pos_ - start);
    char* end = nullptr;
    double number = std::strtod(token.c_str(), &end);
    if (end != token.c_str() + token.size()) error("bad number");
    return number;
  }

  static void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  uint32_t parseHex4() {
    if (pos_ + 4 > text_.size()) error("bad \\u escape");
    uint32_t cp = 0;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_++];
      cp <<= 4;
      if (h >= '0' && h <= '9')
        cp |= h - '0';
      else if (h >= 'a' && h <= 'f')
        cp |= h - 'a' + 10;
      else if (h >= 'A' && h <= 'F')
        cp |= h - 'A' + 10;
      else
        error("bad \\u escape");
    }
    return cp;
  }

  std::string parseString() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) error("control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      char e = text_[pos_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp = parseHex4();
          // A UTF-16 surrogate must come as a high + low pair (u+D83D u+DE00 escape U+1F600). A
          // lone or mismatched one encodes no character: it used to come out as invalid UTF-8, or,
          // for a high surrogate before a non-surrogate escape, as a garbage code point above
          // U+10FFFF (found by fuzz/json_fuzzer.cpp). serde_json, which writes safetensors
          // headers, rejects them too.
          if (cp >= 0xDC00 && cp < 0xE000) error("unpaired surrogate in \\u escape");
          if (cp >= 0xD800 && cp < 0xDC00) {
            if (pos_ + 6 > text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u') error("unpaired surrogate in \\u escape");
            pos_ += 2;
            uint32_t low = parseHex4();
            if (low < 0xDC00 || low >= 0xE000) error("unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          appendUtf8(out, cp);
          break;
        }
        default:
          error("bad escape");
      }
    }
    error("unterminated string");
  }

  const std::string& text_;
  const std::string& what_;
  size_t pos_ = 0;
};

}  // namespace

JsonValue parseJson(const std::string& text, const std::string& what) { return Parser(text, what).parseDocument(); }

std::string jsonQuote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace videomae::weights
