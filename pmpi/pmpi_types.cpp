#include "pmpi_types.hpp"

#include <array>

namespace papers::pmpi {

namespace {

// The papers integer type of a C integer type's width and signedness.
template <class T>
constexpr papers_type_t int_type() {
    constexpr bool s = T(-1) < T(0);
    switch (sizeof(T)) {
        case 1: return s ? PAPERS_INT8 : PAPERS_UINT8;
        case 2: return s ? PAPERS_INT16 : PAPERS_UINT16;
        case 4: return s ? PAPERS_INT32 : PAPERS_UINT32;
        default: return s ? PAPERS_INT64 : PAPERS_UINT64;
    }
}

struct TypeRow {
    MPI_Datatype dt;
    papers_type_t type;
};

// Handles of predefined types are link-time constants in Open MPI but not
// constant expressions, so the table is built on first use.
const std::array<TypeRow, 20>& type_table() {
    static const std::array<TypeRow, 20> rows{{
        {MPI_INT, int_type<int>()},
        {MPI_DOUBLE, PAPERS_DOUBLE},
        {MPI_LONG, int_type<long>()},
        {MPI_UNSIGNED, int_type<unsigned>()},
        {MPI_FLOAT, PAPERS_FLOAT},
        {MPI_UNSIGNED_LONG, int_type<unsigned long>()},
        {MPI_LONG_LONG_INT, int_type<long long>()},
        {MPI_UNSIGNED_LONG_LONG, int_type<unsigned long long>()},
        {MPI_SHORT, int_type<short>()},
        {MPI_UNSIGNED_SHORT, int_type<unsigned short>()},
        {MPI_SIGNED_CHAR, PAPERS_INT8},
        {MPI_UNSIGNED_CHAR, PAPERS_UINT8},
        {MPI_INT8_T, PAPERS_INT8},
        {MPI_INT16_T, PAPERS_INT16},
        {MPI_INT32_T, PAPERS_INT32},
        {MPI_INT64_T, PAPERS_INT64},
        {MPI_UINT8_T, PAPERS_UINT8},
        {MPI_UINT16_T, PAPERS_UINT16},
        {MPI_UINT32_T, PAPERS_UINT32},
        {MPI_UINT64_T, PAPERS_UINT64},
    }};
    return rows;
}

}  // namespace

std::optional<papers_type_t> reduce_type(MPI_Datatype dt) {
    for (const TypeRow& r : type_table())
        if (r.dt == dt) return r.type;
    return std::nullopt;
}

std::optional<papers_op_t> reduce_op(MPI_Op op, papers_type_t type) {
    const bool is_float = type == PAPERS_FLOAT || type == PAPERS_DOUBLE;
    if (op == MPI_SUM) return PAPERS_SUM;
    if (op == MPI_PROD) return PAPERS_PROD;
    if (op == MPI_MIN) return PAPERS_MIN;
    if (op == MPI_MAX) return PAPERS_MAX;
    if (is_float) return std::nullopt;  // MPI defines the rest for integers only
    if (op == MPI_BAND) return PAPERS_BAND;
    if (op == MPI_BOR) return PAPERS_BOR;
    if (op == MPI_BXOR) return PAPERS_BXOR;
    if (op == MPI_LAND) return PAPERS_LAND;
    if (op == MPI_LOR) return PAPERS_LOR;
    return std::nullopt;
}

std::optional<std::size_t> contiguous_bytes(MPI_Datatype dt, int count) {
    if (dt == MPI_DATATYPE_NULL || count <= 0) return std::nullopt;
    int ni = 0, na = 0, nd = 0, combiner = 0;
    if (PMPI_Type_get_envelope(dt, &ni, &na, &nd, &combiner) != MPI_SUCCESS ||
        combiner != MPI_COMBINER_NAMED)
        return std::nullopt;
    int size = 0;
    MPI_Aint lb = 0, extent = 0, true_lb = 0, true_extent = 0;
    if (PMPI_Type_size(dt, &size) != MPI_SUCCESS ||
        PMPI_Type_get_extent(dt, &lb, &extent) != MPI_SUCCESS ||
        PMPI_Type_get_true_extent(dt, &true_lb, &true_extent) != MPI_SUCCESS)
        return std::nullopt;
    // Pair types such as MPI_SHORT_INT have a hole (size 6, extent 8).
    if (size <= 0 || lb != 0 || true_lb != 0 || extent != size || true_extent != size)
        return std::nullopt;
    return static_cast<std::size_t>(size) * static_cast<std::size_t>(count);
}

}  // namespace papers::pmpi
