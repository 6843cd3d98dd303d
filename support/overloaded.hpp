// Overloaded{lambdas...}: one visitor for std::visit over a variant, a lambda
// per alternative.
#pragma once

namespace support {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace support
