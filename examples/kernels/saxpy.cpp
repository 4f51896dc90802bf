/*
 * saxpy: a memory-bound kernel written in C++, checked with a tolerance.
 * z = a x + y over n elements (two arrays read, one written, as BLAS's
 * axpy with its output apart so that every repetition starts from the
 * same data); run returns the sum of its range of z as
 * pb_result_from_double.  expect gets the same total another way,
 * a (sum of x) + (sum of y), each sum from the period of its pattern,
 * never touching an element.
 *
 * <parbench/kernel.h> declares what PB_KERNEL_EXPORT defines extern "C",
 * so a C++ library exports the same unmangled symbols as a C one.
 *
 *   c++ -std=c++20 -O3 -march=native -fPIC -shared \
 *      $(pkg-config --cflags parbench) saxpy.cpp -o saxpy.so
 *   parbench --kernel-lib ./saxpy.so --kernels saxpy
 */
#include <parbench/kernel.h>

#include <cstddef>
#include <cstdint>

namespace {

constexpr double a = 3.0;

/* Patterns of period 16 and 4 with values k / 16 and 1 / 2^k: every z and
 * every partial sum of them is exact in binary, so the tolerance only has
 * to cover the fixed-point rounding of the partials. */
constexpr unsigned x_period = 16, y_period = 4;
constexpr double x_of(std::uint64_t i) { return static_cast<double>(i % x_period) / x_period; }
constexpr double y_of(std::uint64_t i) { return 1.0 / static_cast<double>(1u << (i % y_period)); }

/* The three arrays of n doubles laid end to end in parbench's memory. */
struct arrays {
	double *x, *y, *z;
	arrays(void *mem, std::uint64_t n)
		: x(static_cast<double *>(mem)), y(x + n), z(y + n) {}
};

std::uint64_t saxpy_items(std::uint64_t n) { return n; }

std::size_t saxpy_bytes(std::uint64_t n)
{
	return static_cast<std::size_t>(n) * 3 * sizeof(double);
}

void saxpy_init(void *mem, std::uint64_t n, std::uint64_t begin, std::uint64_t end)
{
	arrays v(mem, n);
	for (std::uint64_t i = begin; i < end; i++) {
		v.x[i] = x_of(i);
		v.y[i] = y_of(i);
		v.z[i] = 0;
	}
}

std::uint64_t saxpy_run(void *mem, std::uint64_t n, std::uint64_t begin, std::uint64_t end)
{
	arrays v(mem, n);
	double s = 0;
	for (std::uint64_t i = begin; i < end; i++) {
		v.z[i] = a * v.x[i] + v.y[i];
		s += v.z[i];
	}
	return pb_result_from_double(s);
}

/* The sum of f over [0, n) for a pattern of the given period: whole
 * periods times one period's sum, then the remainder. */
template <typename F> double periodic_sum(F f, unsigned period, std::uint64_t n)
{
	double whole = 0, rest = 0;
	for (unsigned k = 0; k < period; k++) {
		whole += f(k);
		if (k < n % period)
			rest += f(k);
	}
	return static_cast<double>(n / period) * whole + rest;
}

std::uint64_t saxpy_expect(std::uint64_t n)
{
	return pb_result_from_double(a * periodic_sum(x_of, x_period, n) +
				     periodic_sum(y_of, y_period, n));
}

/* C++20 designated initializers: in the order struct pb_kernel declares
 * its members; the two it needs none of are named all the same, since
 * g++ -Wextra warns of members left out in C++ (C does not). */
const pb_kernel saxpy = {
	.name = "saxpy",
	.shape = "memory-bound map and reduction in double precision, from C++",
	.default_n = UINT64_C(1) << 24,
	.quick_n = UINT64_C(1) << 20,
	.max_n = UINT64_C(1) << 30,
	.n_means = "elements of x, y and z",
	.items = saxpy_items,
	.bytes = saxpy_bytes,
	.init = saxpy_init,
	.run = saxpy_run,
	.expect = saxpy_expect,
	.bytes_per_item = 3 * sizeof(double),
	.work = nullptr,
	.waits = 0,
	.tolerance = 1e-9,
};

} // namespace

PB_KERNEL_EXPORT(&saxpy);
