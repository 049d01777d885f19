/* benchdnn-style problem descriptors from the command line or a file: convolutions
 * ("mb1ic192ih35oc64kh1") and poolings ("maxpool:mb1ic288ih35kh3sh2"). */
#ifndef IB_BENCH_SHAPES_PARSE_H
#define IB_BENCH_SHAPES_PARSE_H

#include "core/desc.h"

/* A user's problem: its name (the nNAME field, else the text itself) and its validated
 * descriptor. */
typedef struct ib_user_shape {
    char name[64];
    ib_desc desc;
} ib_user_shape;

/* Parses one descriptor into a validated ib_desc.
 *
 * Grammar: [OP:]FIELDS[_bias][_bn][_relu][_excl], OP one of conv (default), maxpool, avgpool;
 * FIELDS a run of NAMEvalue pairs in any order: mb ic ih iw oc oh ow kh kw sh sw ph pw
 * pt pb pl pr, plus g, id, od, kd, sd, pd, dh, dw, dd accepted only at their 2-D, ungrouped,
 * undilated values; and nNAME (letters, digits, '.', '-', '_' up to the end). Deduction as
 * benchdnn does: mb=1; iw=ih (or ih=iw); kw=kh; sw=sh (default 1); pw=ph; 'ph' sets top and
 * bottom; missing padding with a given oh is derived from it (SAME-style, the odd pixel at the
 * bottom); oh and ow are computed, and a given one that disagrees is an error naming it.
 * Pooling takes the channels as ic and has no oc. The conv suffixes add the epilogue (bias,
 * folded batch-norm scale/shift, ReLU); _excl makes avgpool exclude padding. Messages name
 * the bad field and its offset: "descriptor 'mb1ic8ihxx': field 'ih' needs a number
 * (offset 6)". Returns IB_INVALID on any error. */
ib_status ib_parse_desc(const char *text, ib_desc *d, char *name, int namelen, ib_err *e);

/* Reads descriptors from a file, one per line; '#' starts a comment, blank lines are
 * skipped. Appends to out[*n..max-1]; messages start with "PATH:LINE: " (PATH cut to 40
 * characters). A line over 510 characters is refused, and so is a read error (a folder). */
ib_status ib_parse_shapes_file(const char *path, ib_user_shape *out, int max, int *n, ib_err *e);

#endif
