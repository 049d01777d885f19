# arch/xsmm: the libxsmm peer (x86-64, where libxsmm-dev is installed). Link order that works:
# -lxsmm before -lxsmmnoblas (pkg-config's order fails).
ifeq ($(ARCH)$(if $(wildcard /usr/include/libxsmm.h),y),x86_64y)
  FAMILIES += xsmm
  LIBS += -lxsmm -lxsmmnoblas -lpthread -lrt -ldl
endif
