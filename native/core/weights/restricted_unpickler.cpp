#include "core/weights/restricted_unpickler.h"

#include <ATen/ATen.h>

#include <cstring>
#include <map>
#include <memory>
#include <variant>

#include "core/errors.h"

namespace videomae::weights {

namespace {

// Objects are owned by the Unpickler's arena and refer to each other by plain pointers. (They
// were shared_ptrs: a pickle can build cycles through the memo, e.g. a dict holding itself, which
// then leaked on every load, and a deeply nested list was freed by recursion deep enough to
// overflow the stack. The arena frees everything, cyclic or deep, in one flat loop.)
struct Obj;
using ObjPtr = Obj*;

struct Obj {
  enum class Kind { None, Bool, Int, Float, Str, Tuple, List, Dict, Global, Tensor, Mark };
  Kind kind = Kind::None;
  int64_t i = 0;
  double f = 0;
  std::string s;              // Str, or "module.name" for Global
  std::vector<ObjPtr> items;  // Tuple, List
  std::vector<std::pair<ObjPtr, ObjPtr>> dict;
  at::Tensor tensor;
};

at::ScalarType storageDtype(const std::string& global, const std::string& what) {
  static const std::map<std::string, at::ScalarType> types = {
      {"torch.FloatStorage", at::kFloat},   {"torch.HalfStorage", at::kHalf}, {"torch.BFloat16Storage", at::kBFloat16},
      {"torch.DoubleStorage", at::kDouble}, {"torch.LongStorage", at::kLong}, {"torch.IntStorage", at::kInt},
      {"torch.ShortStorage", at::kShort},   {"torch.CharStorage", at::kChar}, {"torch.ByteStorage", at::kByte},
      {"torch.BoolStorage", at::kBool}};
  auto it = types.find(global);
  if (it == types.end()) fail(ErrorCode::Checkpoint, what + ": unsupported storage type " + global);
  return it->second;
}

class Unpickler {
 public:
  Unpickler(const std::string& data, const StorageLoader& loader, const std::string& what) : data_(data), loader_(loader), what_(what) {}

  ObjPtr run() {
    for (;;) {
      uint8_t op = readU8();
      if (op == '.') break;
      step(op);
    }
    if (stack_.size() != 1) bad("unbalanced stack at STOP");
    return stack_.back();
  }

 private:
  [[noreturn]] void bad(const std::string& message) const {
    fail(ErrorCode::Checkpoint, what_ + ": not a state dict this loader accepts (" + message + " at byte " + std::to_string(pos_) + ")");
  }
  uint8_t readU8() {
    if (pos_ >= data_.size()) bad("truncated pickle");
    return static_cast<uint8_t>(data_[pos_++]);
  }
  uint64_t readLE(int bytes) {
    if (pos_ + bytes > data_.size()) bad("truncated pickle");
    uint64_t v = 0;
    for (int k = bytes - 1; k >= 0; --k) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + k]);
    pos_ += bytes;
    return v;
  }
  std::string readBytes(uint64_t n) {
    if (n > data_.size() - pos_) bad("truncated pickle");
    std::string out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::string readLine() {
    size_t end = data_.find('\n', pos_);
    if (end == std::string::npos) bad("truncated pickle");
    std::string out = data_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return out;
  }
  ObjPtr pop() {
    if (stack_.empty()) bad("stack underflow");
    ObjPtr o = stack_.back();
    stack_.pop_back();
    return o;
  }
  ObjPtr& top() {
    if (stack_.empty()) bad("stack underflow");
    return stack_.back();
  }
  std::vector<ObjPtr> popToMark() {
    for (size_t k = stack_.size(); k-- > 0;) {
      if (stack_[k]->kind == Obj::Kind::Mark) {
        std::vector<ObjPtr> items(stack_.begin() + static_cast<long>(k) + 1, stack_.end());
        stack_.resize(k);
        return items;
      }
    }
    bad("MARK not found");
  }
  ObjPtr make(Obj::Kind kind) {
    arena_.push_back(std::make_unique<Obj>());
    arena_.back()->kind = kind;
    return arena_.back().get();
  }
  ObjPtr intObj(int64_t v) {
    ObjPtr o = make(Obj::Kind::Int);
    o->i = v;
    return o;
  }
  ObjPtr tuple(std::vector<ObjPtr> items) {
    ObjPtr o = make(Obj::Kind::Tuple);
    o->items = std::move(items);
    return o;
  }
  void setItems(ObjPtr& dict, const std::vector<ObjPtr>& kv) {
    if (dict->kind != Obj::Kind::Dict || kv.size() % 2 != 0) bad("SETITEMS on a non-dict");
    for (size_t k = 0; k < kv.size(); k += 2) dict->dict.emplace_back(kv[k], kv[k + 1]);
  }

  void step(uint8_t op);
  ObjPtr persistentLoad(const ObjPtr& pid);
  ObjPtr reduce(const ObjPtr& callable, const ObjPtr& args);

  const std::string& data_;
  const StorageLoader& loader_;
  const std::string& what_;
  size_t pos_ = 0;
  std::vector<std::unique_ptr<Obj>> arena_;  // owns every object; they die with the Unpickler
  std::vector<ObjPtr> stack_;
  std::map<uint64_t, ObjPtr> memo_;
  std::map<std::string, at::Tensor> storages_;
};

void Unpickler::step(uint8_t op) {
  switch (op) {
    case 0x80:
      readU8();
      break;  // PROTO
    case 0x95:
      readLE(8);
      break;  // FRAME
    case '(':
      stack_.push_back(make(Obj::Kind::Mark));
      break;
    case 'N':
      stack_.push_back(make(Obj::Kind::None));
      break;
    case 0x88:
    case 0x89: {
      ObjPtr o = make(Obj::Kind::Bool);
      o->i = op == 0x88;
      stack_.push_back(o);
      break;
    }
    case 'K':
      stack_.push_back(intObj(readU8()));
      break;
    case 'M':
      stack_.push_back(intObj(static_cast<int64_t>(readLE(2))));
      break;
    case 'J':
      stack_.push_back(intObj(static_cast<int32_t>(readLE(4))));
      break;
    case 0x8a: {  // LONG1
      uint8_t n = readU8();
      if (n > 8) bad("integer too large");
      int64_t v = 0;
      if (n > 0) {
        uint64_t raw = readLE(n);
        v = (n < 8 && (raw >> (8 * n - 1)) & 1) ? static_cast<int64_t>(raw | (~0ull << (8 * n))) : static_cast<int64_t>(raw);
      }
      stack_.push_back(intObj(v));
      break;
    }
    case 'G': {  // BINFLOAT, big-endian
      uint64_t raw = 0;
      for (int k = 0; k < 8; ++k) raw = (raw << 8) | readU8();
      ObjPtr o = make(Obj::Kind::Float);
      std::memcpy(&o->f, &raw, 8);
      stack_.push_back(o);
      break;
    }
    case 'X': {
      ObjPtr o = make(Obj::Kind::Str);
      o->s = readBytes(readLE(4));
      stack_.push_back(o);
      break;
    }
    case 0x8c: {
      ObjPtr o = make(Obj::Kind::Str);
      o->s = readBytes(readU8());
      stack_.push_back(o);
      break;
    }
    case 'U': {
      ObjPtr o = make(Obj::Kind::Str);
      o->s = readBytes(readU8());
      stack_.push_back(o);
      break;
    }
    case ')':
      stack_.push_back(tuple({}));
      break;
    case 't':
      stack_.push_back(tuple(popToMark()));
      break;
    case 0x85:
    case 0x86:
    case 0x87: {
      size_t n = op - 0x84;
      if (stack_.size() < n) bad("stack underflow");
      std::vector<ObjPtr> items(stack_.end() - static_cast<long>(n), stack_.end());
      stack_.resize(stack_.size() - n);
      stack_.push_back(tuple(std::move(items)));
      break;
    }
    case ']':
      stack_.push_back(make(Obj::Kind::List));
      break;
    case 'a': {
      ObjPtr v = pop();
      if (top()->kind != Obj::Kind::List) bad("APPEND on a non-list");
      top()->items.push_back(v);
      break;
    }
    case 'e': {
      auto items = popToMark();
      if (top()->kind != Obj::Kind::List) bad("APPENDS on a non-list");
      for (auto& v : items) top()->items.push_back(v);
      break;
    }
    case '}':
      stack_.push_back(make(Obj::Kind::Dict));
      break;
    case 's': {
      ObjPtr v = pop();
      ObjPtr k = pop();
      setItems(top(), {k, v});
      break;
    }
    case 'u': {
      auto kv = popToMark();
      setItems(top(), kv);
      break;
    }
    case 'q':
      memo_[readU8()] = top();
      break;
    case 'r':
      memo_[readLE(4)] = top();
      break;
    case 0x94:
      memo_[memo_.size()] = top();
      break;  // MEMOIZE
    case 'h':
    case 'j': {
      uint64_t key = op == 'h' ? readU8() : readLE(4);
      auto it = memo_.find(key);
      if (it == memo_.end()) bad("unknown memo key");
      stack_.push_back(it->second);
      break;
    }
    case 'c': {
      std::string module = readLine();
      std::string name = readLine();
      ObjPtr g = make(Obj::Kind::Global);
      g->s = module + "." + name;
      stack_.push_back(g);
      break;
    }
    case 'Q': {
      ObjPtr pid = pop();
      stack_.push_back(persistentLoad(pid));
      break;
    }
    case 'R': {
      ObjPtr args = pop();
      ObjPtr callable = pop();
      stack_.push_back(reduce(callable, args));
      break;
    }
    case 'b': {  // BUILD: only the OrderedDict state (its _metadata attribute), which is dropped
      pop();
      if (top()->kind != Obj::Kind::Dict) bad("BUILD on an object that is not a dict");
      break;
    }
    default:
      bad("unsupported pickle opcode 0x" + std::to_string(op));
  }
}

ObjPtr Unpickler::persistentLoad(const ObjPtr& pid) {
  if (pid->kind != Obj::Kind::Tuple || pid->items.size() != 5 || pid->items[0]->s != "storage" ||
      pid->items[1]->kind != Obj::Kind::Global || pid->items[2]->kind != Obj::Kind::Str || pid->items[4]->kind != Obj::Kind::Int)
    bad("unexpected persistent id");
  at::ScalarType dtype = storageDtype(pid->items[1]->s, what_);
  const std::string& key = pid->items[2]->s;
  auto it = storages_.find(key);
  if (it == storages_.end()) it = storages_.emplace(key, loader_(key, dtype, pid->items[4]->i)).first;
  ObjPtr o = make(Obj::Kind::Tensor);
  o->tensor = it->second;
  return o;
}

std::vector<int64_t> intTuple(const ObjPtr& o, const std::string& what) {
  if (o->kind != Obj::Kind::Tuple) fail(ErrorCode::Checkpoint, what + ": tensor size/stride is not a tuple");
  std::vector<int64_t> out;
  for (const ObjPtr& item : o->items) {
    if (item->kind != Obj::Kind::Int || item->i < 0) fail(ErrorCode::Checkpoint, what + ": bad tensor size/stride");
    out.push_back(item->i);
  }
  return out;
}

ObjPtr Unpickler::reduce(const ObjPtr& callable, const ObjPtr& args) {
  if (callable->kind != Obj::Kind::Global || args->kind != Obj::Kind::Tuple) bad("REDUCE of a non-global");
  const std::string& name = callable->s;
  if (name == "collections.OrderedDict") return make(Obj::Kind::Dict);
  if (name == "torch._utils._rebuild_tensor_v2" && args->items.size() >= 4 && args->items[0]->kind == Obj::Kind::Tensor &&
      args->items[1]->kind == Obj::Kind::Int) {
    const at::Tensor& storage = args->items[0]->tensor;
    int64_t offset = args->items[1]->i;
    std::vector<int64_t> size = intTuple(args->items[2], what_), stride = intTuple(args->items[3], what_);
    // The lengths are compared before `stride` is indexed by the dimensions of `size` (a stride
    // tuple shorter than the size tuple was read past its end: found by fuzz/unpickler_fuzzer.cpp),
    // and the extent is summed with overflow checks (sizes and strides are arbitrary 64-bit pickle
    // ints, whose product used to overflow, undefined behaviour, and could wrap back into range).
    if (size.size() != stride.size() || offset < 0) bad("tensor view outside its storage");
    int64_t last = offset;
    for (size_t k = 0; k < size.size(); ++k) {
      if (size[k] == 0) {
        last = -1;
        break;
      }
      int64_t step = 0;
      if (__builtin_mul_overflow(size[k] - 1, stride[k], &step) || __builtin_add_overflow(last, step, &last))
        bad("tensor view outside its storage");
    }
    if (last >= storage.numel()) bad("tensor view outside its storage");
    ObjPtr o = make(Obj::Kind::Tensor);
    // The view itself, as torch.load returns it (the state-dict loader copies it into the
    // parameter). It was cloned into a contiguous tensor: a stride-0 view of a one-element storage
    // with size (2e9,) then allocated and wrote 8 GB from a pickle of 200 bytes (found by review,
    // confirmed with fuzz/unpickler_fuzzer.cpp's memory limit). A view costs no memory of its own.
    o->tensor = storage.as_strided(size, stride, offset);
    return o;
  }
  if (name == "torch._utils._rebuild_parameter" && !args->items.empty() && args->items[0]->kind == Obj::Kind::Tensor) return args->items[0];
  bad("global " + name + " is not allowed");
}

const ObjPtr* findKey(const ObjPtr& dict, const std::string& key) {
  for (const auto& [k, v] : dict->dict)
    if (k->kind == Obj::Kind::Str && k->s == key) return &v;
  return nullptr;
}

bool isTensorDict(const ObjPtr& o) {
  if (o->kind != Obj::Kind::Dict) return false;
  for (const auto& [k, v] : o->dict)
    if (k->kind != Obj::Kind::Str || v->kind != Obj::Kind::Tensor) return false;
  return true;
}

}  // namespace

NamedTensors unpickleStateDict(const std::string& data, const StorageLoader& loadStorage, const std::string& what) {
  Unpickler unpickler(data, loadStorage, what);  // owns `root` and everything it holds
  ObjPtr root = unpickler.run();
  if (!isTensorDict(root) && root->kind == Obj::Kind::Dict) {
    for (const char* key : {"state_dict", "model", "module"}) {
      const ObjPtr* inner = findKey(root, key);
      if (inner && isTensorDict(*inner)) {
        root = *inner;
        break;
      }
    }
  }
  if (!isTensorDict(root)) fail(ErrorCode::Checkpoint, what + ": is not a state dict (expected a mapping of parameter names to tensors)");
  NamedTensors out;
  for (const auto& [k, v] : root->dict) out.emplace_back(k->s, v->tensor);
  return out;
}

}  // namespace videomae::weights
