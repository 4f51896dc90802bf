/* Sizes of the names a run folder is known by. */
#ifndef PB_PATHS_H
#define PB_PATHS_H

#define PB_PATH_MAX 4096
#define PB_RUN_ID_MAX 128

#endif
