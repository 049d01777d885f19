# arch/onednn: the oneDNN peer (x86-64, where libdnnl-dev is installed and NO_ONEDNN unset).
ifeq ($(ARCH)$(NO_ONEDNN)$(if $(wildcard /usr/include/dnnl.h),y),x86_64y)
  FAMILIES += onednn
  LIBS += -ldnnl
endif
