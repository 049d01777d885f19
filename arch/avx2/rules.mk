# arch/avx2: AVX2+FMA kernels and ISA traits (x86-64).
ifeq ($(ARCH),x86_64)
  FAMILIES += avx2
  ISAS += avx2
  FLAGS_avx2 := -mavx2 -mfma
endif
