"""Third try at the learned photo check: do real animal photos among its negatives stop more animals?

    python -m skin_core.training.nonskin_photos fetch          # once: pictures that are not skin (Debian packages)
    python -m skin_core.training.measure_animal_negatives      # the second try's cache + ~4 min of trunk passes

`skin_photo_logistic` (the second try, `measure_learned_photo_check`) lets scikit-image's cat through: its negatives
are wallpapers, textures and clip-art stamps, with no real photo of fur close up. This try adds to the train negatives
the second try's fresh GCompris photos (230, `nonskin_photos.fresh_photos`; they had judged the second try and are no
longer fresh): their 17 fixed versions and 3 close-ups each (`nonskin_photos.close_ups`). All else is as in the
second try: the same skin photos, the same nine settings, the threshold at the val skin photos' 99th percentile.

The rule, written down and committed before any of this try's figures were computed:
- choice, on train and val only, as in the second try: among the settings that refuse at most 2 % of val skin photos
  saved as JPEG 50, the one whose 5-fold cross-validation (whole packages, stamp categories or GCompris resources held
  out) lets through the fewest held-out pictures (ties: fewer skin photos refused);
- it replaces `skin_photo_logistic` only if, judged as the app judges (colour rule, then the check, with the second
  look at a dim photo brightened): (a) it lets through fewer versions of the unseen GCompris photos
  (`nonskin_photos.unseen_photos`: 65 photos from resources no check has seen, 17 versions each) than
  `skin_photo_logistic`; (b) it refuses at most 2 % of test skin photos, and at most as many test melanoma and basal
  cell carcinoma photos as `skin_photo_logistic` (2); (c) it refuses at most 2 % of val skin photos darkened to a
  mean brightness of 50.
Reported, not part of the rule: the held-out pictures of `nonskin_photos.build()` and the scikit-image and
scikit-learn sample photos (the cat among them), all seen before this rule was set.
"""
