#include "core/model/derived_cache.h"

namespace videomae::model {

bool DerivedCache::fresh(const Entry& entry, uint64_t generation, const std::vector<at::Tensor>& sources) {
  if (entry.generation != generation || entry.sources.size() != sources.size()) return false;
  for (size_t i = 0; i < sources.size(); ++i)
    if (!entry.sources[i].is_same(sources[i]) || entry.versions[i] != static_cast<int64_t>(sources[i]._version())) return false;
  return true;
}

at::Tensor DerivedCache::get(uint64_t key, uint64_t generation, const std::vector<at::Tensor>& sources,
                             const std::function<at::Tensor()>& make) {
  auto it = entries_.find(key);
  if (it != entries_.end() && fresh(it->second, generation, sources)) return it->second.value;
  Entry entry;
  entry.generation = generation;
  entry.sources = sources;
  for (const at::Tensor& t : sources) entry.versions.push_back(static_cast<int64_t>(t._version()));
  if (it != entries_.end()) entries_.erase(it);  // free the stale value before making the new one
  entry.value = make();
  return entries_.insert_or_assign(key, std::move(entry)).first->second.value;
}

}  // namespace videomae::model
