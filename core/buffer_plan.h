/* Activation memory planned as inference engines plan it: one arena, in which buffers whose
 * lifetimes overlap get disjoint bytes and the others share. */
#ifndef IB_BUFFER_PLAN_H
#define IB_BUFFER_PLAN_H

#include <limits.h>
#include <stddef.h>

/* A buffer of a chain of steps: live from the step that writes it (first) to the last step
 * that reads it (last), both included. */
typedef struct ib_buf_life {
    size_t bytes;
    int first, last; /* last INT_MAX: to the end of the pass */
    size_t offset;   /* set by ib_buffer_plan: 64-byte aligned, from the arena's start */
} ib_buf_life;

/* A buffer of bytes that no step has touched yet. */
ib_buf_life ib_buffer_life(size_t bytes);
/* Step step writes the buffer (writes 1) or reads it (writes 0): its life spans them all. */
void ib_buffer_access(ib_buf_life *b, int step, int writes);
/* A buffer read after the pass (the logits): bytes of its own for the whole pass, so that no
 * step, even one run alone between passes, writes over them. */
void ib_buffer_keep(ib_buf_life *b);

/* Places the n buffers in one arena (greedy, largest first, each at the lowest offset where
 * it overlaps no placed buffer whose lifetime overlaps its own) and returns the arena's
 * size in bytes; 0 when n is 0 or a temporary allocation fails. A buffer that no step reads
 * (an output of the network) lives to the end of the pass. */
size_t ib_buffer_plan(ib_buf_life *b, int n);

/* 1 when buffers a and b are live at a common step and share a byte (the plan's invariant). */
int ib_buffer_conflict(const ib_buf_life *a, const ib_buf_life *b);

#endif
