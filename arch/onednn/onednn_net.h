/* oneDNN's whole-network chain (the registry's oneDNN entries point to it). */
#ifndef IB_ONEDNN_NET_H
#define IB_ONEDNN_NET_H

#include "core/chain.h"

extern const ib_chain_ops ib_onednn_chain;

#endif
