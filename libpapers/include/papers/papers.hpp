// papers.hpp — the C++ face of libpapers: an RAII session, typed templates
// and exceptions, thin over the C API in papers.h (no second implementation:
// every function below is one papers_* call plus type plumbing).
//
//   #include <papers/papers.hpp>
//   int main() {
//       papers::session s;                                   // papers_init
//       double part = work(s.rank(), s.size());
//       double sum = papers::allreduce(part, papers::op::sum);
//       int seed = papers::broadcast(42, 0);                 // rank 0's value
//       std::vector<double> all = papers::gather(part);      // one per rank
//       std::vector<int> hist(16);  /* ... */
//       papers::allreduce(hist, papers::op::sum);            // in place, 16 elements
//   }                                                        // papers_finalize
//
// Every function is collective exactly like its C counterpart (papers.h) and
// throws papers::error — code() is the PAPERS_E* code, what() the detailed
// message — when the call fails. Bad arguments (root out of range, empty or
// mismatched buffers, an op the type does not allow) are caught on the
// calling PE before anything reaches the hub, so the session stays usable
// after such an error; any other failure breaks the session (fail-stop).
//
// Values are passed by value (scalars and trivially copyable structs);
// arrays are passed as contiguous ranges (std::vector, std::array, C arrays,
// std::span), in place or from an input range into an output range.
// Needs C++20.
#ifndef PAPERS_PAPERS_HPP
#define PAPERS_PAPERS_HPP

#if !defined(__cplusplus) || __cplusplus < 202002L
#error "papers.hpp needs C++20 (std::span, concepts); from C or older C++ use papers/papers.h"
#endif

#include <papers/papers.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace papers {

// ---- errors ------------------------------------------------------------

class error : public std::runtime_error {
public:
    error(int code, const std::string& message)
        : std::runtime_error(message + " [" + papers_strerror(code) + "]"), code_(code) {}
    int code() const noexcept { return code_; }  // a negative PAPERS_E* value

private:
    int code_;
};

// Returns rc when it is a success (>= 0); throws papers::error otherwise.
inline int check(int rc) {
    if (rc < 0) throw error(rc, papers_errmsg());
    return rc;
}

// ---- element types and operators ---------------------------------------

enum class op : int {
    sum = PAPERS_SUM,
    prod = PAPERS_PROD,
    min = PAPERS_MIN,
    max = PAPERS_MAX,
    band = PAPERS_BAND,  // bitwise ops: integer types only
    bor = PAPERS_BOR,
    bxor = PAPERS_BXOR,
    land = PAPERS_LAND,  // logical ops: 1 or 0 in the element type
    lor = PAPERS_LOR,
};

// Types papers can reduce: integers of 8, 16, 32 or 64 bits in any spelling
// (int, long, std::uint16_t, char...), float and double. Not bool.
template <class T>
concept element =
    (std::integral<T> && !std::same_as<std::remove_cv_t<T>, bool> &&
     (sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8)) ||
    std::same_as<std::remove_cv_t<T>, float> || std::same_as<std::remove_cv_t<T>, double>;

// Values papers can move byte for byte (broadcast, gather, putget). Pointers
// and views (std::span, std::string_view) are refused: their bytes are an
// address, meaningless on another PE. Pass ranges to the range overloads.
template <class T>
concept value = std::is_trivially_copyable_v<T> && !std::is_pointer_v<T> &&
                !std::ranges::range<T> && !std::is_array_v<T>;

// A contiguous, sized range whose elements satisfy V (vector, array, span...).
template <class R>
concept buffer = std::ranges::contiguous_range<R> && std::ranges::sized_range<R>;
template <class R>
concept writable_buffer =
    buffer<R> && !std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>>;
template <class R>
using buffer_value = std::remove_cv_t<std::ranges::range_value_t<R>>;

namespace detail {
template <element T>
constexpr papers_type_t type_code() {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_same_v<U, float>) return PAPERS_FLOAT;
    else if constexpr (std::is_same_v<U, double>) return PAPERS_DOUBLE;
    else if constexpr (std::is_signed_v<U>)
        return sizeof(U) == 1 ? PAPERS_INT8 : sizeof(U) == 2 ? PAPERS_INT16
                            : sizeof(U) == 4 ? PAPERS_INT32 : PAPERS_INT64;
    else
        return sizeof(U) == 1 ? PAPERS_UINT8 : sizeof(U) == 2 ? PAPERS_UINT16
                            : sizeof(U) == 4 ? PAPERS_UINT32 : PAPERS_UINT64;
}

[[noreturn]] inline void bad_argument(const std::string& what) {
    throw error(PAPERS_EINVAL, what);
}

inline void need_elements(std::size_t n, const char* what) {
    if (n == 0) bad_argument(std::string(what) + ": the buffer is empty");
}

inline void need_same_length(std::size_t in, std::size_t out, const char* what) {
    if (in != out)
        bad_argument(std::string(what) + ": the output holds " + std::to_string(out) +
                     " elements, the input " + std::to_string(in));
}
}  // namespace detail

template <element T>
inline constexpr papers_type_t type_of = detail::type_code<T>();

// ---- session -------------------------------------------------------------

// One per process: the constructor joins the job (papers_init, throws on
// failure), the destructor leaves it (papers_finalize; errors are ignored
// there, call finalize() to see them). Neither copyable nor movable.
class session {
public:
    session() { check(papers_init()); }
    ~session() {
        if (active_) papers_finalize();
    }
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    // Leaves the job now, throwing on failure; the destructor then does nothing.
    void finalize() {
        if (!active_) return;
        active_ = false;
        check(papers_finalize());
    }

    int rank() const { return papers_rank(); }
    int size() const { return papers_size(); }
    std::string backend() const { return papers_backend_name(); }

private:
    bool active_ = true;
};

// ---- synchronisation and votes -------------------------------------------

inline void barrier() { check(papers_barrier()); }
inline bool any(bool flag) { return check(papers_any(flag)) != 0; }
inline bool all(bool flag) { return check(papers_all(flag)) != 0; }

// Bit i is set when rank i voted true (at most 64 PEs).
inline std::uint64_t waitvec(bool flag) {
    std::uint64_t mask = 0;
    check(papers_waitvec(flag, &mask));
    return mask;
}

// Number of PEs that voted true.
inline int count(bool flag) { return check(papers_count(flag)); }

// Lowest rank that voted true, or -1 when none did. (The C call returns -1
// for "none"; it never fails with PAPERS_EINVAL, which is also -1.)
inline int first(bool flag) {
    const int rc = papers_first(flag);
    return rc == -1 ? -1 : check(rc);
}

// My position among the PEs that voted true, in rank order; -1 if I voted false.
inline int enqueue(bool flag) {
    const int rc = papers_enqueue(flag);
    return (rc == -1 && !flag) ? -1 : check(rc);
}

// ---- broadcast -------------------------------------------------------------

// Returns root's value on every PE.
template <value T>
T broadcast(T v, int root) {
    check(papers_bcast(&v, sizeof v, root));
    return v;
}

// Replaces data with root's data on every PE (same length everywhere).
template <writable_buffer R>
    requires value<buffer_value<R>>
void broadcast(R&& data, int root) {
    detail::need_elements(std::ranges::size(data), "papers::broadcast");
    check(papers_bcast(std::ranges::data(data),
                       std::ranges::size(data) * sizeof(buffer_value<R>), root));
}

// ---- all-gather --------------------------------------------------------------

// Every PE's value, rank 0's first.
template <value T>
std::vector<T> gather(const T& v) {
    const int n = check(papers_size());
    std::vector<T> out(static_cast<std::size_t>(n));
    check(papers_gather(&v, out.data(), sizeof v));
    return out;
}

// Every PE's block of in (same length on every PE), concatenated in rank order.
template <buffer R>
    requires value<buffer_value<R>>
std::vector<buffer_value<R>> gather(const R& in) {
    const std::size_t k = std::ranges::size(in);
    detail::need_elements(k, "papers::gather");
    const int n = check(papers_size());
    std::vector<buffer_value<R>> out(k * static_cast<std::size_t>(n));
    check(papers_gather(std::ranges::data(in), out.data(), k * sizeof(buffer_value<R>)));
    return out;
}

// As above into out, which must hold size() * in.size() elements.
template <buffer R, writable_buffer W>
    requires value<buffer_value<R>> && std::same_as<buffer_value<R>, buffer_value<W>>
void gather(const R& in, W&& out) {
    const std::size_t k = std::ranges::size(in);
    detail::need_elements(k, "papers::gather");
    const int n = check(papers_size());
    detail::need_same_length(k * static_cast<std::size_t>(n), std::ranges::size(out),
                             "papers::gather (size() * input length)");
    check(papers_gather(std::ranges::data(in), std::ranges::data(out),
                        k * sizeof(buffer_value<R>)));
}

// ---- putget ------------------------------------------------------------------

// Puts v and returns the value put by rank src (any pattern, self included).
template <value T>
T putget(const T& v, int src) {
    T got = v;  // no default constructor needed
    check(papers_putget(&v, &got, sizeof v, src));
    return got;
}

template <buffer R, writable_buffer W>
    requires value<buffer_value<R>> && std::same_as<buffer_value<R>, buffer_value<W>>
void putget(const R& in, W&& out, int src) {
    detail::need_elements(std::ranges::size(in), "papers::putget");
    detail::need_same_length(std::ranges::size(in), std::ranges::size(out), "papers::putget");
    check(papers_putget(std::ranges::data(in), std::ranges::data(out),
                        std::ranges::size(in) * sizeof(buffer_value<R>), src));
}

// ---- all-reduce ----------------------------------------------------------------

// The reduction of every PE's x; bit-identical on every PE.
template <element T>
T allreduce(T x, op o) {
    T r{};
    check(papers_reduce(&x, &r, 1, type_of<T>, static_cast<papers_op_t>(o)));
    return r;
}

// Element-wise reduction of in into out (same length; may be the same range).
template <buffer R, writable_buffer W>
    requires element<buffer_value<R>> && std::same_as<buffer_value<R>, buffer_value<W>>
void allreduce(const R& in, W&& out, op o) {
    detail::need_elements(std::ranges::size(in), "papers::allreduce");
    detail::need_same_length(std::ranges::size(in), std::ranges::size(out), "papers::allreduce");
    check(papers_reduce(std::ranges::data(in), std::ranges::data(out), std::ranges::size(in),
                        type_of<buffer_value<R>>, static_cast<papers_op_t>(o)));
}

// Element-wise reduction in place.
template <writable_buffer W>
    requires element<buffer_value<W>>
void allreduce(W&& data, op o) {
    detail::need_elements(std::ranges::size(data), "papers::allreduce");
    check(papers_reduce(std::ranges::data(data), std::ranges::data(data),
                        std::ranges::size(data), type_of<buffer_value<W>>,
                        static_cast<papers_op_t>(o)));
}

// Global minimum / maximum and the lowest rank holding it.
template <element T>
struct located {
    T value;
    int rank;
};

template <element T>
located<T> minloc(T x) {
    located<T> r{x, -1};
    check(papers_reduce_loc(&r.value, &r.rank, type_of<T>, PAPERS_MIN));
    return r;
}

template <element T>
located<T> maxloc(T x) {
    located<T> r{x, -1};
    check(papers_reduce_loc(&r.value, &r.rank, type_of<T>, PAPERS_MAX));
    return r;
}

// ---- diagnostics ------------------------------------------------------------

// Port accesses and hub operations of this PE since init (or reset_stats()).
inline papers_stats_t stats() {
    papers_stats_t s{};
    check(papers_stats(&s));
    return s;
}
inline void reset_stats() { check(papers_stats_reset()); }

}  // namespace papers

#endif  // PAPERS_PAPERS_HPP
